package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples, unchanged, as Flink jobs: {@code scripts/wallaroo --engine flink --parallelism 2}
 * on the embedded mini-cluster, over real TCP, with the same expected output as the local engine.
 */
class FlinkMiniClusterIT {
    private static final Duration START = Duration.ofSeconds(300);

    /** Every word counted exactly, and each word's counts arrive in order 1, 2, 3, ... (per-key order). */
    @Test
    void wordCountAtParallelismTwo() throws Exception {
        Path dir = EngineProcess.example("word_count");
        List<String> lines = wordCountInput(dir);
        Map<String, Integer> expected = WordCountIT.parseCounts(Files.readString(dir.resolve("data/expected_counts.json")));

        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--engine", "flink", "--parallelism", "2",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(),
                     "--worker-count", "3", "--ponythreads", "4", "--cluster-initializer"))) {
            engine.awaitLine("wallaroo: ready", START);
            Framed.send(in, lines);

            assertCountedInOrder(receiver.await(482, Duration.ofSeconds(120)), expected, engine);
            assertEquals(482, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                    "no output beyond one line per word");
            // At parallelism 2 the state is fed through keyBy, so no operators chain: a context each.
            // The first task took over the launcher's own context, the application already loaded in it.
            assertTrue(engine.outputText().contains("parallelism 2, embedded mini-cluster, 4 Python contexts for 4 Python operators, "
                    + "one the launcher's own"), engine.outputText());
            // ... and its waits stay long enough to fill the shuffled batches.
            assertTrue(engine.outputText().contains("a partly filled batch waits 5 ms (--flush-ms), a network buffer 5 ms "
                    + "(--buffer-timeout-ms); some state is fed through a keyBy shuffle"), engine.outputText());
            assertTrue(engine.outputText().contains("accepted but not used by the Flink runner: --cluster-initializer"),
                    engine.outputText());
            if (Runtime.version().feature() >= 25) {  // the build records the runner's own cache (scripts/runtime-image --flink)
                assertTrue(engine.outputText().contains("JVM start-up cache: on ("
                        + EngineProcess.root().resolve("python-bridge/target/runtime/wallaroo-flink.aot") + ")"), engine.outputText());
            }
            // The JVM's own messages about its cache (any [aot...] tag set) stay quiet; that line says it all.
            assertTrue(engine.output().stream().noneMatch(l -> l.contains("][aot")), engine.outputText());
            // The mini-cluster runs GraalPy in this JVM: it gets the local engine's JIT policy too.
            LauncherJitPolicy.assertApplied(engine.pid());
            // The launcher's heap cap for two task slots (384 MB + 128 MB each), not the JVM's quarter of the machine.
            String flags = Jcmd.run(engine.pid(), "VM.flags");
            assertTrue(flags.contains("-XX:MaxHeapSize=" + 640L * 1024 * 1024), flags);
        }
    }

    /**
     * At parallelism 1 the TCP source, the entry operator and the state are one task: the source
     * reads on the task's thread and hands frames to Python with no Flink channel between.
     */
    @Test
    void wordCountAtParallelismOneWithTheSourceChained() throws Exception {
        Path dir = EngineProcess.example("word_count");
        List<String> lines = wordCountInput(dir);
        Map<String, Integer> expected = WordCountIT.parseCounts(Files.readString(dir.resolve("data/expected_counts.json")));
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--engine", "flink", "--parallelism", "1",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port()))) {
            engine.awaitLine("wallaroo: ready", START);
            // Sent in two connections, one after the other: the source keeps serving after the first closes.
            Framed.send(in, lines.subList(0, lines.size() / 2));
            Framed.send(in, lines.subList(lines.size() / 2, lines.size()));
            assertCountedInOrder(receiver.await(482, Duration.ofSeconds(120)), expected, engine);
            assertEquals(482, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                    "no output beyond one line per word");
            assertTrue(engine.outputText().contains("a partly filled batch waits 1 ms (--flush-ms), a network buffer 1 ms "
                    + "(--buffer-timeout-ms); every state is chained to its one producer"), engine.outputText());
        }
    }

    /**
     * A source address held by another process: the job fails once with the engine's message
     * naming the address, rather than restarting into the same wall, and the launcher exits
     * without ever saying it is ready.
     */
    @Test
    void aTakenSourceAddressFailsTheJobWithItsCause() throws Exception {
        Path dir = EngineProcess.example("word_count");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(EngineProcess.freePort(), 50,
                java.net.InetAddress.getLoopbackAddress());
             LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--engine", "flink", "--parallelism", "1",
                     "--in", "127.0.0.1:" + taken.getLocalPort(), "--out", "127.0.0.1:" + receiver.port()))) {
            int code = engine.awaitExit(START);
            assertTrue(code != 0, "exit code " + code + ":\n" + engine.outputText());
            assertTrue(engine.outputText().contains("cannot listen for")
                    && engine.outputText().contains("127.0.0.1:" + taken.getLocalPort()), engine.outputText());
            // The other process accepts connections on the address, but the launcher asks its own source.
            assertTrue(engine.output().stream().noneMatch(l -> l.startsWith("wallaroo: ready")), engine.outputText());
        }
    }

    private static List<String> wordCountInput(Path dir) throws java.io.IOException {
        return Files.readAllLines(dir.resolve("data/count_this.txt")).stream().filter(l -> !l.isBlank()).toList();
    }

    /** One output line per word, each word's counts 1, 2, 3, ... in order, ending at the expected totals. */
    private static void assertCountedInOrder(List<String> output, Map<String, Integer> expected, EngineProcess engine) {
        assertEquals(expected.values().stream().mapToInt(Integer::intValue).sum(), output.size(),
                "one output line per word:\n" + engine.outputText());
        Map<String, Integer> last = new HashMap<>();
        for (String line : output) {
            String[] parts = line.split(" => ");
            int count = Integer.parseInt(parts[1]);
            int before = last.getOrDefault(parts[0], 0);
            assertEquals(before + 1, count, "counts of '" + parts[0] + "' out of order in:\n" + String.join("\n", output));
            last.put(parts[0], count);
        }
        assertEquals(expected, last);
    }

    /** The classic-API example: a to_stateful window state; six day summaries, byte for byte, in order. */
    @Test
    void logfilesAtParallelismTwo() throws Exception {
        Path dir = EngineProcess.example("logfiles");
        List<String> expected = Files.readAllLines(dir.resolve("data/expected_summaries.jsonl"));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int day = 1; day <= 6; day++) {
            for (String line : Files.readAllLines(dir.resolve("data/day_" + day + ".log"))) {
                stream.write(Framed.frame(line));
            }
            stream.write(Framed.frame("END_OF_DAY"));
        }
        int in = EngineProcess.freePort();
        try (FramedReceiver receiver = new FramedReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "logfiles",
                     "--engine", "flink", "--parallelism", "2",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port()))) {
            engine.awaitLine("wallaroo: ready", START);
            try (Socket socket = Framed.connect(in); OutputStream out = socket.getOutputStream()) {
                out.write(stream.toByteArray());
                out.flush();
                List<String> summaries = receiver.await(6, Duration.ofSeconds(120));
                assertEquals(expected, summaries, "one summary per day, in order:\n" + engine.outputText());
                assertEquals(6, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                        "nothing beyond the six summaries");
            }
        }
    }
    /**
     * Extension connectors on Flink, and a rescale 1 -> 2 from a savepoint: text_word_count with
     * its file_source.py and print_sink.py scripts, unchanged. Two passes at parallelism 1 with no
     * sink script connected, stop with a savepoint (it holds the unacknowledged output). Restart at
     * parallelism 2 from it: the source script is told (RESUME) the last sequence the savepoint
     * holds and sends only the two passes after it; a third script resending everything is dropped
     * by sequence; the sink script, connecting only now, gets the saved output first and then the
     * rest: every word's counts 1..total exactly once, so state, sequences and output are exact.
     */
    @Test
    void textDocumentsOverExtensionsRescaledFromOneToTwo(@TempDir Path work) throws Exception {
        Path dir = TextDocumentsIT.DIR;
        long linesPerPass = Files.readAllLines(dir.resolve(TextDocumentsIT.DATA)).stream().filter(l -> !l.isBlank()).count();
        String text = "127.0.0.1:" + EngineProcess.freePort();
        String counts = "127.0.0.1:" + EngineProcess.freePort();
        Path resilience = work.resolve("resilience");
        List<String> args = List.of("--application-module", "text_word_count", "--engine", "flink",
                "--text-stream", text, "--word-count-stream", counts, "--resilience-dir", resilience.toString(),
                "--checkpoint-interval", "1000");
        // The source script connects as soon as the server listens; no need to wait for "ready" first.
        try (EngineProcess first = EngineProcess.start(dir, with(args, "--parallelism", "1"))) {
            try (PythonScript source = fileSource(dir, text, "2")) {
                assertEquals(0, source.awaitExit(START), source.errorText());
            }
            first.awaitLine("wallaroo: ready", START);
            // At parallelism 1 the state operator is chained to the entry operator in one task,
            // and chained operators share one Python context (so the application loads once).
            assertTrue(java.util.regex.Pattern.compile("embedded mini-cluster, 1 Python context for [2-9] Python operators, "
                            + "the launcher's own")
                    .matcher(first.outputText()).find(), first.outputText());
            // Nothing is shuffled, so batches need not wait to fill: the shorter waits.
            assertTrue(first.outputText().contains("a partly filled batch waits 1 ms (--flush-ms), a network buffer 1 ms "
                    + "(--buffer-timeout-ms); every state is chained to its one producer"), first.outputText());
            first.awaitLine("no sink script connected yet", START);
            FlinkSessionClusterIT.stopWithSavepoint(first, resilience);
        }
        try (EngineProcess second = EngineProcess.start(dir, with(args, "--parallelism", "2", "--restore", "latest"));
             PythonScript sink = PythonScript.start("python3", dir, "print_sink.py", List.of("--word-count-stream", counts))) {
            second.awaitLine("restoring from " + resilience.resolve("savepoints"), START);
            try (PythonScript source = fileSource(dir, text, "4")) {
                assertEquals(0, source.awaitExit(START), source.errorText());
                assertTrue(source.errorText().contains("skipped " + 2 * linesPerPass + " the engine already had"),
                        "RESUME carried the sequence restored from the savepoint: " + source.errorText());
            }
            try (PythonScript again = fileSource(dir, text, "4", "--from-start")) {
                assertEquals(0, again.awaitExit(Duration.ofSeconds(120)), again.errorText());
            }
            TextDocumentsIT.assertExactCounts(sink, 4, second);
            FlinkSessionClusterIT.stopWithSavepoint(second, resilience);
        }
        // Back to parallelism 1, where the state runs inline in the entry task's runner: it loads
        // every key group's entities when it opens, since no record will name them.
        try (EngineProcess third = EngineProcess.start(dir, with(args, "--parallelism", "1", "--restore", "latest"));
             PythonScript sink = PythonScript.start("python3", dir, "print_sink.py", List.of("--word-count-stream", counts))) {
            third.awaitLine("restoring from " + resilience.resolve("savepoints"), START);
            third.awaitLine("every state is chained to its one producer", START);
            try (PythonScript source = fileSource(dir, text, "5")) {
                assertEquals(0, source.awaitExit(START), source.errorText());
                assertTrue(source.errorText().contains("skipped " + 4 * linesPerPass + " the engine already had"),
                        source.errorText());
            }
            List<String> lines = sink.awaitLines(TextDocumentsIT.WORDS_PER_PASS, Duration.ofSeconds(120));
            assertEquals(TextDocumentsIT.WORDS_PER_PASS, lines.size(), third.outputText());
            Map<String, List<Integer>> seen = new HashMap<>();
            for (String line : lines) {
                String[] parts = line.split(" => ");
                seen.computeIfAbsent(parts[0], w -> new java.util.ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            // The fifth pass counts on from the four restored: 4c+1 .. 5c for a word seen c times a pass.
            Map<String, Integer> perPass = TextDocumentsIT.expectedTotals(1);
            assertEquals(perPass.keySet(), seen.keySet());
            perPass.forEach((word, c) -> assertEquals(java.util.stream.IntStream.rangeClosed(4 * c + 1, 5 * c).boxed().toList(),
                    seen.get(word).stream().sorted().toList(), "the counts of '" + word + "'"));
        }
    }

    private static PythonScript fileSource(Path dir, String text, String repeat, String... more) throws java.io.IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--text-stream", text, "--file", TextDocumentsIT.DATA,
                "--repeat", repeat));
        args.addAll(List.of(more));
        return PythonScript.start("python3", dir, "file_source.py", args);
    }

    private static List<String> with(List<String> args, String... more) {
        List<String> out = new java.util.ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }
}
