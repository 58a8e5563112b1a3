package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text documents example (word count over extensions) as a user runs it: scripts/wallaroo
 * plus a source script and a sink script, all real processes talking over loopback sockets.
 */
class TextDocumentsIT {
    static final Path DIR = EngineProcess.example("text_documents");
    static final String DATA = "data/count_this.txt";
    static final int WORDS_PER_PASS = 482;

    /** The engine running text_word_count, with the two stream addresses it listens on. */
    record App(EngineProcess engine, String textStream, String wordCountStream) implements AutoCloseable {
        static App start(int lanes) throws Exception {
            String text = "127.0.0.1:" + EngineProcess.freePort();
            String counts = "127.0.0.1:" + EngineProcess.freePort();
            EngineProcess engine = EngineProcess.start(DIR, List.of("--application-module", "text_word_count",
                    "--text-stream", text, "--word-count-stream", counts, "--ponythreads", String.valueOf(lanes)));
            engine.awaitReady();
            return new App(engine, text, counts);
        }

        PythonScript fileSource(String... extra) throws IOException {
            List<String> args = new ArrayList<>(List.of("--text-stream", textStream, "--file", DATA));
            args.addAll(List.of(extra));
            return PythonScript.start("python3", DIR, "file_source.py", args);
        }

        PythonScript printSink() throws IOException {
            return PythonScript.start("python3", DIR, "print_sink.py", List.of("--word-count-stream", wordCountStream));
        }

        int textPort() {
            return Integer.parseInt(textStream.substring(textStream.lastIndexOf(':') + 1));
        }

        @Override
        public void close() throws InterruptedException {
            engine.close();
        }
    }

    @Test
    void countsEveryWordExactlyOnce() throws Exception {
        try (App app = App.start(2); PythonScript sink = app.printSink(); PythonScript source = app.fileSource("--repeat", "5")) {
            assertEquals(0, source.awaitExit(Duration.ofSeconds(120)), source.errorText());
            assertExactCounts(sink, 5, app.engine());
        }
    }

    @Test
    void aSourceScriptKilledMidStreamAndRestartedIsDeduplicatedBySequence() throws Exception {
        int passes = 20;
        try (App app = App.start(2); PythonScript sink = app.printSink()) {
            PythonScript first = app.fileSource("--repeat", String.valueOf(passes), "--rate", "100");
            try {
                List<String> some = sink.awaitLines(WORDS_PER_PASS, Duration.ofSeconds(120));
                assertTrue(some.size() >= WORDS_PER_PASS, "the first run got going:\n" + app.engine().outputText());
                first.kill();
            } finally {
                first.close();
            }
            int before = sink.lines().size();
            assertTrue(before < WORDS_PER_PASS * passes, "killed mid-stream, after " + before + " counts");

            // The restarted script sends the whole file again, from sequence 1.
            try (PythonScript restarted = app.fileSource("--repeat", String.valueOf(passes), "--from-start")) {
                assertEquals(0, restarted.awaitExit(Duration.ofSeconds(120)), restarted.errorText());
            }
            assertExactCounts(sink, passes, app.engine());
            app.engine().awaitLine("already-seen sequences dropped", Duration.ofSeconds(10));
        }
    }

    @Test
    void aSinkScriptThatConnectsLateStillGetsEverything() throws Exception {
        try (App app = App.start(2)) {
            try (PythonScript source = app.fileSource("--repeat", "3")) {
                // close() returns once the engine has taken every line, so all input is in.
                assertEquals(0, source.awaitExit(Duration.ofSeconds(120)), source.errorText());
            }
            app.engine().awaitLine("no sink script connected yet", Duration.ofSeconds(30));
            try (PythonScript sink = app.printSink()) {
                assertExactCounts(sink, 3, app.engine());
            }
        }
    }

    @Test
    void aBadFrameClosesOnlyItsOwnConnection() throws Exception {
        try (App app = App.start(2); PythonScript sink = app.printSink();
             PythonScript source = app.fileSource("--repeat", "10", "--rate", "40")) {
            sink.awaitLines(1, Duration.ofSeconds(120));
            try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), app.textPort())) {
                garbage.setSoTimeout(10_000);
                garbage.getOutputStream().write("this is not a frame at all\r\n".getBytes(StandardCharsets.US_ASCII));
                DataInputStream in = new DataInputStream(garbage.getInputStream());
                int length = in.readInt();
                assertEquals(127, in.readUnsignedByte(), "an ERROR frame");
                byte[] reason = new byte[length - 1];
                in.readFully(reason);
                assertTrue(new String(reason, StandardCharsets.UTF_8).contains("length"));
                assertTrue(closed(in), "the engine closed the bad connection");
            }
            app.engine().awaitLine("closing the connection of", Duration.ofSeconds(10));
            assertTrue(source.isAlive(), "the good script is still streaming while the bad connection is refused");
            assertEquals(0, source.awaitExit(Duration.ofSeconds(120)), source.errorText());
            assertExactCounts(sink, 10, app.engine());
        }
    }

    private static boolean closed(DataInputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    /**
     * The sink printed exactly one "word => count" line per word of {@code passes} passes over the
     * data: for every word, the counts 1, 2, ... up to its true total, each once.
     */
    static void assertExactCounts(PythonScript sink, int passes, EngineProcess engine) throws Exception {
        assertExactCounts(sink.awaitLines(WORDS_PER_PASS * passes, Duration.ofSeconds(120)), passes, engine);
        Thread.sleep(1000);
        assertEquals(WORDS_PER_PASS * passes, sink.lines().size(), "nothing beyond one count per word");
    }

    static void assertExactCounts(List<String> lines, int passes, EngineProcess engine) throws IOException {
        assertEquals(WORDS_PER_PASS * passes, lines.size(), "one count per word:\n" + engine.outputText());
        Map<String, List<Integer>> seen = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" => ");
            seen.computeIfAbsent(parts[0], w -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        Map<String, Integer> totals = expectedTotals(passes);
        assertEquals(totals.keySet(), seen.keySet());
        totals.forEach((word, total) -> assertEquals(IntStream.rangeClosed(1, total).boxed().toList(),
                seen.get(word).stream().sorted().toList(), "the counts of '" + word + "'"));
    }

    static Map<String, Integer> expectedTotals(int passes) throws IOException {
        Map<String, Integer> expected = new HashMap<>();
        WordCountIT.parseCounts(Files.readString(DIR.resolve("data/expected_counts.json")))
                .forEach((word, count) -> expected.put(word, count * passes));
        return expected;
    }

}
