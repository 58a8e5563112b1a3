package io.wallaroo.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The word count example, run as a user runs it: scripts/wallaroo, real sockets, the shipped data. */
class WordCountIT {

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2, 4})
    void countsEveryWordOfTheSampleText(int lanes) throws Exception {
        Path dir = EngineProcess.example("word_count");
        List<String> lines = Files.readAllLines(dir.resolve("data/count_this.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        Map<String, Integer> expected = parseCounts(Files.readString(dir.resolve("data/expected_counts.json")));

        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(),
                     "--metrics", "127.0.0.1:5001", "--control", "127.0.0.1:6000", "--data", "127.0.0.1:6001",
                     "--name", "worker1", "--external", "127.0.0.1:5050", "--cluster-initializer",
                     "--ponythreads=" + lanes, "--ponynoblock"))) {
            engine.awaitReady();
            Framed.send(in, lines);

            List<String> output = receiver.await(482, Duration.ofSeconds(60));
            assertEquals(482, output.size(), "one output line per word:\n" + engine.outputText());
            Map<String, Integer> finalCounts = new HashMap<>();
            for (String line : output) {
                String[] parts = line.split(" => ");
                int count = Integer.parseInt(parts[1]);
                finalCounts.merge(parts[0], count, Math::max);
            }
            assertEquals(expected, finalCounts);
            assertEquals(482, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size(),
                    "no output beyond one line per word");
            if (lanes == 1) {
                LauncherJitPolicy.assertApplied(engine.pid());
            }
        }
    }

    /**
     * A batch whose outputs are all ASCII reaches the JVM as text and is encoded there, one with any
     * other character as UTF-8 bytes from Python: both must put the same bytes on the wire.
     */
    @org.junit.jupiter.api.Test
    void wordsBeyondAsciiComeOutAsUtf8() throws Exception {
        Path dir = EngineProcess.example("word_count");
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "1"))) {
            engine.awaitReady();
            List<List<String>> sends = List.of(
                    List.of("plain words only", "only words"),      // every output ASCII
                    List.of("café naïve", "straße 東京 café"),      // every output beyond ASCII
                    List.of("plain café", "emoji \uD83D\uDE00 plain")); // a mix of both in one batch
            int outputs = 0;
            for (List<String> lines : sends) {
                Framed.send(in, lines);
                outputs += lines.stream().mapToInt(l -> l.split(" ").length).sum();
                assertEquals(outputs, receiver.await(outputs, Duration.ofSeconds(60)).size(), engine.outputText());
            }
            Map<String, Integer> counts = new HashMap<>();
            for (String line : receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5))) {
                String[] parts = line.split(" => ");
                counts.merge(parts[0], Integer.parseInt(parts[1]), Math::max);
            }
            assertEquals(Map.of("plain", 3, "words", 2, "only", 2, "café", 3, "naïve", 1, "straße", 1, "東京", 1,
                    "emoji", 1, "\uD83D\uDE00", 1), counts);
        }
    }

    /** Reads the flat {"word": count, ...} object of expected_counts.json. */
    static Map<String, Integer> parseCounts(String json) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*(\\d+)").matcher(json);
        while (m.find()) {
            counts.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return counts;
    }
}
