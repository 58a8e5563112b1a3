package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** to_sinks: two TCP sinks on one pipeline, each receiving every output, in the same order. */
class ApiToSinksIT {
    @TempDir
    Path dir;

    @Test
    void bothReceiversGetTheSameOutput() throws Exception {
        List<String> messages = IntStream.range(0, 200).mapToObj(i -> "message " + i).toList();
        List<String> expected = IntStream.range(0, 200).mapToObj(i -> (i + 1) + " message " + i).toList();

        int in = EngineProcess.freePort();
        try (LineReceiver first = new LineReceiver(EngineProcess.freePort());
             LineReceiver second = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "fan_out", List.of(in),
                     List.of(first.port(), second.port()), 2)) {
            engine.awaitReady();
            Framed.send(in, messages);

            assertEquals(expected, first.await(200, Duration.ofSeconds(60)), "first sink:\n" + engine.outputText());
            assertEquals(expected, second.await(200, Duration.ofSeconds(60)), "second sink:\n" + engine.outputText());
            assertEquals(200, first.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size());
            assertEquals(200, second.lines().size());
        }
    }
}
