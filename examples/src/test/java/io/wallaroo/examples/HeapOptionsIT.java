package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap scripts/wallaroo gives the local engine: the parallel collector, starting at its cap
 * (docs/design.md); a user's own lower cap in WALLAROO_JAVA_OPTS still starts, rather than failing
 * on an initial size above it, and a user's own collector replaces the launcher's rather than
 * conflicting with it.
 */
class HeapOptionsIT {

    @Test
    void theHeapStartsAtItsCap() throws Exception {
        List<String> args = javaArgumentsOfAWorkingEngine(Map.of());
        assertTrue(args.contains("-Xms288m") && args.contains("-Xmx288m"), "one lane: 224 + 64 MB from the start, got " + args);
        assertTrue(args.contains("-XX:+UseParallelGC"), "the parallel collector by default, got " + args);
    }

    @Test
    void aUsersLowerCapStartsTheEngine() throws Exception {
        List<String> args = javaArgumentsOfAWorkingEngine(Map.of("WALLAROO_JAVA_OPTS", "-Xmx200m"));
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-Xms")), "no initial size above the user's cap: " + args);
        assertEquals("-Xmx200m", args.stream().filter(a -> a.startsWith("-Xmx")).reduce((a, b) -> b).orElseThrow(),
                "the user's cap comes last and wins");
    }

    @Test
    void aUsersCollectorReplacesTheLaunchersOne() throws Exception {
        List<String> args = javaArgumentsOfAWorkingEngine(Map.of("WALLAROO_JAVA_OPTS", "-XX:+UseSerialGC"));
        assertTrue(args.contains("-XX:+UseSerialGC") && !args.contains("-XX:+UseParallelGC"),
                "two collectors would stop the JVM: " + args);
    }

    /** Launches word count with {@code env}, checks that it counts, and returns its JVM's command line. */
    private static List<String> javaArgumentsOfAWorkingEngine(Map<String, String> env) throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = wordCount(in, receiver, env)) {
            List<String> args = javaArguments(engine);
            assertCounts(in, engine, receiver);
            return args;
        }
    }

    private static EngineProcess wordCount(int in, LineReceiver receiver, Map<String, String> env) throws Exception {
        EngineProcess engine = EngineProcess.start(EngineProcess.example("word_count"), List.of("--application-module", "word_count",
                "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "1"), env);
        engine.awaitReady();
        return engine;
    }

    /** The JVM's command line (the launcher execs it), from procfs: ProcessHandle gives none for one this long. */
    private static List<String> javaArguments(EngineProcess engine) throws Exception {
        String cmdline = Files.readString(Path.of("/proc/" + engine.pid() + "/cmdline"), StandardCharsets.ISO_8859_1);
        return List.of(cmdline.split("\0"));
    }

    private static void assertCounts(int in, EngineProcess engine, LineReceiver receiver) throws Exception {
        Framed.send(in, List.of("heap at cap", "heap"));
        assertEquals(List.of("heap => 1", "at => 1", "cap => 1", "heap => 2"), receiver.await(4, Duration.ofSeconds(60)),
                engine.outputText());
    }
}
