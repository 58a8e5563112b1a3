package io.wallaroo.python.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Machida's flags as a mixin: parsed the same in any command that uses it, and reported when unused. */
class MachidaFlagsTest {
    @Command(name = "host")
    static final class Host {
        @CommandLine.Mixin
        MachidaFlags machida = new MachidaFlags();
        @CommandLine.Unmatched
        List<String> unmatched = new ArrayList<>();
    }

    private static Host parse(String... args) {
        Host host = new Host();
        new CommandLine(host).setUnmatchedArgumentsAllowed(true).parseArgs(args);
        return host;
    }

    @Test
    void machidaCommandLineParsesIntoTheMixin() {
        Host h = parse("-i", "127.0.0.1:7010", "--out", "127.0.0.1:7020", "--worker-count", "3", "-n", "worker1",
                "--control", "127.0.0.1:6000", "--data", "127.0.0.1:6001", "--external", "127.0.0.1:5050",
                "--metrics", "127.0.0.1:5001", "--cluster-initializer", "--ponynoblock", "--ponythreads=4");
        assertEquals("127.0.0.1:7010", h.machida.in);
        assertEquals("127.0.0.1:7020", h.machida.out);
        assertEquals(3, h.machida.workerCount);
        assertEquals("worker1", h.machida.workerName);
        assertEquals(List.of("--metrics", "--control", "--data", "--external", "--cluster-initializer", "--worker-count",
                        "--ponynoblock", "--ponythreads"),
                List.copyOf(h.machida.unused(false, h.unmatched)));
        assertTrue(!h.machida.unused(true, h.unmatched).contains("--worker-count"), "an engine that uses the count");
    }

    @Test
    void nothingGivenNothingReported() {
        Host h = parse();
        assertNull(h.machida.workerCount);
        assertEquals(Set.of(), h.machida.unused(false, h.unmatched));
    }

    @Test
    void aWorkerCountThatIsNotANumberIsRefusedByName() {
        CommandLine.ParameterException e = org.junit.jupiter.api.Assertions.assertThrows(CommandLine.ParameterException.class,
                () -> parse("--worker-count", "three"));
        assertTrue(e.getMessage().contains("--worker-count"), e.getMessage());
    }
}
