package io.wallaroo.examples;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * to_state_partition_u64: running totals per integer key, with the ten declared keys and one
 * undeclared key at the top of the u64 range, which gets its own entity and one notice.
 */
class ApiU64PartitionIT {
    private static final String MAX_U64 = BigInteger.TWO.pow(64).subtract(BigInteger.ONE).toString();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    void totalsPerKey(int lanes) throws Exception {
        List<String> messages = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 1; i <= 300; i++) {
            String key = i % 31 == 0 ? MAX_U64 : String.valueOf(i % 10);
            messages.add(key + " " + i);
            expected.merge(key, (long) i, Long::sum);
        }

        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "u64_totals", List.of(in), List.of(receiver.port()), lanes)) {
            engine.awaitReady();
            Framed.send(in, messages);

            List<String> output = receiver.await(300, Duration.ofSeconds(60));
            assertEquals(300, output.size(), "one output per message:\n" + engine.outputText());
            // Per key, outputs come in input order, so the last one is the total.
            Map<String, Long> totals = new HashMap<>();
            for (String line : output) {
                String[] parts = line.split(" ");
                totals.put(parts[0], Long.parseLong(parts[1]));
            }
            assertEquals(expected, totals);
            // The notice is a log line; it may reach our reader just after the outputs do.
            engine.awaitLine("key " + MAX_U64 + " is not among the declared partition keys", Duration.ofSeconds(10));
            long notices = engine.output().stream()
                    .filter(l -> l.contains("key " + MAX_U64 + " is not among the declared partition keys")).count();
            assertEquals(1, notices, "the undeclared key is reported once:\n" + engine.outputText());
        }
    }
}
