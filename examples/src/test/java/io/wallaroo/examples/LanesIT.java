package io.wallaroo.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Partitioned state spread over several lanes: per-key order, and user objects crossing lanes. */
class LanesIT {
    private static final int KEYS = 40;
    private static final int PER_KEY = 150;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2, 4})
    void everyKeySeesItsUpdatesInOrder(int lanes) throws Exception {
        Path apps = EngineProcess.root().resolve("examples/src/test/resources/apps");
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(apps, List.of("--application-module", "keyed_order",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "" + lanes))) {
            engine.awaitReady();
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
            int crossed = 0;
            for (String line : lines) {
                String[] f = line.split(" ");
                int expected = next.getOrDefault(f[0], 0);
                assertEquals(expected, Integer.parseInt(f[1]), "updates of " + f[0] + " out of order");
                assertEquals(expected + 1, Integer.parseInt(f[2]), "state of " + f[0] + " saw every update once");
                next.put(f[0], expected + 1);
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
        }
    }
}
