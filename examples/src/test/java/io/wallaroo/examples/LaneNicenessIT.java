package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lanes lower their own scheduling priority so that the JIT compilers come first while the
 * application warms up (docs/design.md, "Lane niceness"): by default each lane thread of a real
 * engine runs at niceness 5 while the rest of the JVM keeps the launcher's, --lane-niceness 0
 * leaves the lanes alone, and a value the engine cannot set is refused with the reason.
 */
class LaneNicenessIT {

    @Test
    void lanesRunAtNicenessFiveByDefault() throws Exception {
        Map<String, Integer> niceness = nicenessOfAWorkingEngine(List.of(),
                Map.of("wallaroo-lane-0", 5, "wallaroo-lane-1", 5));
        assertEquals(Map.of("wallaroo-lane-0", 5, "wallaroo-lane-1", 5), lanesOnly(niceness), "all: " + niceness);
        assertEquals(0, niceness.get("wallaroo-io-1-1"), "the I/O loop keeps its priority: " + niceness);
    }

    @Test
    void nicenessZeroLeavesTheLanesAlone() throws Exception {
        Map<String, Integer> niceness = nicenessOfAWorkingEngine(List.of("--lane-niceness", "0"),
                Map.of("wallaroo-lane-0", 0, "wallaroo-lane-1", 0));
        assertEquals(Map.of("wallaroo-lane-0", 0, "wallaroo-lane-1", 0), lanesOnly(niceness), "all: " + niceness);
    }

    @Test
    void aNegativeNicenessIsRefusedWithTheReason() throws Exception {
        try (EngineProcess engine = EngineProcess.start(EngineProcess.example("word_count"), List.of(
                "--application-module", "word_count", "--in", "127.0.0.1:" + EngineProcess.freePort(),
                "--out", "127.0.0.1:" + EngineProcess.freePort(), "--lane-niceness", "-3"))) {
            assertEquals(2, engine.awaitExit(Duration.ofSeconds(60)), engine.outputText());
            assertTrue(engine.outputText().contains("--lane-niceness must be between 0 and 19"), engine.outputText());
        }
    }

    /**
     * Launches word count on two lanes with {@code extra} flags, checks that it counts, and returns
     * each thread's niceness once the lanes show {@code expected} (a lane sets it as its first act,
     * which may come a moment after ready), or after 20 s.
     */
    private static Map<String, Integer> nicenessOfAWorkingEngine(List<String> extra, Map<String, Integer> expected)
            throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(EngineProcess.example("word_count"), Stream.concat(Stream.of(
                     "--application-module", "word_count", "--in", "127.0.0.1:" + in,
                     "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "2"), extra.stream()).toList())) {
            engine.awaitReady();
            Framed.send(in, List.of("nice lanes", "nice"));
            List<String> counted = receiver.await(3, Duration.ofSeconds(60));
            assertEquals(List.of("lanes => 1", "nice => 1", "nice => 2"), counted.stream().sorted().toList(),
                    engine.outputText());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Map<String, Integer> niceness = threadNiceness(engine.pid());
            while (!lanesOnly(niceness).equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                niceness = threadNiceness(engine.pid());
            }
            return niceness;
        }
    }

    private static Map<String, Integer> lanesOnly(Map<String, Integer> niceness) {
        Map<String, Integer> lanes = new TreeMap<>();
        niceness.forEach((name, value) -> {
            if (name.startsWith("wallaroo-lane-")) {
                lanes.put(name, value);
            }
        });
        return lanes;
    }

    /** Thread name to niceness, from /proc/PID/task/TID/stat (name in parentheses, niceness the 19th field). */
    private static Map<String, Integer> threadNiceness(long pid) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(name, Integer.parseInt(fields[19 - 3]));
            }
        }
        return out;
    }
}
