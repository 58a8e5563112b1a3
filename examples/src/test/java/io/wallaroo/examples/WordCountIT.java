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
