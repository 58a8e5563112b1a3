package io.wallaroo.examples;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The classic object API end to end: decoder, computation, multi computation, partition,
 * state builder and encoder are all plain objects; the decoder's header is four ASCII digits,
 * which no struct format reads, so the engine frames with the decoder's own payload_length.
 */
class ApiClassicIT {
    private static final List<String> LINES = List.of(
            "The quick brown fox", "jumps over the lazy dog", "THE DOG sleeps", "a fox, a dog and the end",
            "Zebras zig zag", "quick quick QUICK");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    void wordCountWithClassicObjects(int lanes) throws Exception {
        Map<String, Integer> expected = new HashMap<>();
        int words = 0;
        for (String line : LINES) {
            for (String word : line.toLowerCase(Locale.ROOT).split("\\s+")) {
                if (!word.isEmpty() && Character.isLetter(word.charAt(0))) {
                    expected.merge(word, 1, Integer::sum);
                    words++;
                }
            }
        }

        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "classic_words", List.of(in), List.of(receiver.port()), lanes)) {
            engine.awaitReady();
            sendWithDecimalHeaders(in, LINES);

            List<String> output = receiver.await(words, Duration.ofSeconds(60));
            assertEquals(words, output.size(), "one output per word:\n" + engine.outputText());
            Map<String, Integer> finalCounts = new HashMap<>();
            for (String line : output) {
                String[] parts = line.split(" ");
                finalCounts.merge(parts[0], Integer.parseInt(parts[1]), Math::max);
            }
            assertEquals(expected, finalCounts);
            assertEquals(words, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size());
        }
    }

    /** Each message as its length in four decimal digits, then the UTF-8 text. */
    private static void sendWithDecimalHeaders(int port, List<String> lines) throws IOException, InterruptedException {
        try (Socket socket = Framed.connect(port)) {
            OutputStream out = socket.getOutputStream();
            for (String line : lines) {
                byte[] payload = line.getBytes(StandardCharsets.UTF_8);
                out.write(String.format(Locale.ROOT, "%04d", payload.length).getBytes(StandardCharsets.US_ASCII));
                out.write(payload);
            }
            out.flush();
        }
    }
}
