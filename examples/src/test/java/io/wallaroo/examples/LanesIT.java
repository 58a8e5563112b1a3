package io.wallaroo.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitioned state spread over several lanes: per-key order, and user objects crossing lanes.
 * One connection feeds them; by default its batches run on every lane in turn and each key's
 * owner puts them back in order, with {@code --no-spread-input} the connection stays on one lane.
 */
class LanesIT {
    private static final int KEYS = 40;
    private static final int PER_KEY = 150;

    @ParameterizedTest(name = "{0} lane(s), spread input {1}")
    @CsvSource({"1, true", "2, true", "4, true", "2, false"})
    void everyKeySeesItsUpdatesInOrder(int lanes, boolean spread) throws Exception {
        Path apps = EngineProcess.root().resolve("examples/src/test/resources/apps");
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort())) {
            List<String> args = new ArrayList<>(List.of("--application-module", "keyed_order",
                    "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "" + lanes));
            if (!spread) {
                args.add("--no-spread-input");
            }
            try (EngineProcess engine = EngineProcess.start(apps, args, Map.of("WALLAROO_STARTUP_TRACE", "1"))) {
                // Lanes after the first finish starting after "ready", and input is not given to a
                // lane still starting: wait for all, so the input can reach every lane.
                engine.awaitLine("all lanes started", Duration.ofSeconds(120));
                List<String> messages = new ArrayList<>();
                for (int seq = 0; seq < PER_KEY; seq++) {
                    for (int k = 0; k < KEYS; k++) {
                        messages.add("key" + k + ":" + seq);
                    }
                }
                Framed.send(in, messages);
                List<String> lines = receiver.await(KEYS * PER_KEY, Duration.ofSeconds(90));
                assertEquals(KEYS * PER_KEY, lines.size(), engine.outputText());

                Map<String, Integer> next = new HashMap<>();
                Set<String> decoders = new HashSet<>();
                int crossed = 0;
                for (String line : lines) {
                    String[] f = line.split(" ");
                    int expected = next.getOrDefault(f[0], 0);
                    assertEquals(expected, Integer.parseInt(f[1]), "updates of " + f[0] + " out of order");
                    assertEquals(expected + 1, Integer.parseInt(f[2]), "state of " + f[0] + " saw every update once");
                    next.put(f[0], expected + 1);
                    decoders.add(f[4]);
                    if (f[3].equals("crossed")) {
                        crossed++;
                        assertTrue(f[1].endsWith("7"), "only user objects go through serialize: " + line);
                    }
                }
                assertEquals(KEYS, next.size());
                if (lanes == 1) {
                    assertEquals(0, crossed, "one lane: nothing crosses");
                } else {
                    assertTrue(crossed > 0, "user objects routed to another lane went through the module's serialize/deserialize");
                }
                int expectedDecoders = spread ? lanes : 1;
                assertEquals(expectedDecoders, decoders.size(), (spread
                        ? "one connection's batches are decoded on every lane: "
                        : "without spreading, one connection is decoded on one lane: ") + decoders);
            }
        }
    }
}
