package io.wallaroo.examples;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline that ends with done() and no sink (market data, only updating prices) next to one
 * with a sink (orders, reading those prices). The two inputs are separate connections, so their
 * relative order is not defined: the test re-sends orders until the new prices show.
 */
class ApiSinklessPipelineIT {
    private static final List<String> SYMBOLS = List.of("AAPL", "AMZN", "GOOG", "IBM", "MSFT", "NFLX", "ORCL", "TSLA");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    void ordersSeeThePricesTheSinklessPipelineStored(int lanes) throws Exception {
        int marketData = EngineProcess.freePort();
        int orders = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "market", List.of(marketData, orders),
                     List.of(receiver.port()), lanes)) {
            engine.awaitReady();
            Rounds rounds = new Rounds(receiver, orders, engine);

            List<String> beforeQuotes = rounds.next();
            assertEquals(SYMBOLS.stream().map(s -> "order " + s + " 1 rejected: no price").toList(), sorted(beforeQuotes));

            Framed.send(marketData, SYMBOLS.stream().map(s -> s + " " + (100 + SYMBOLS.indexOf(s))).toList());
            rounds.until(SYMBOLS.stream().map(s -> "order " + s + " 1 at " + (100 + SYMBOLS.indexOf(s))).toList());

            Framed.send(marketData, SYMBOLS.stream().map(s -> s + " " + (200 + SYMBOLS.indexOf(s))).toList());
            rounds.until(SYMBOLS.stream().map(s -> "order " + s + " 1 at " + (200 + SYMBOLS.indexOf(s))).toList());

            List<String> all = receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5));
            assertEquals(rounds.sent * SYMBOLS.size(), all.size(), "only orders produce output: " + all);
            for (String line : all) {
                String symbol = line.split(" ")[1];
                int i = SYMBOLS.indexOf(symbol);
                assertTrue(List.of("order " + symbol + " 1 rejected: no price", "order " + symbol + " 1 at " + (100 + i),
                        "order " + symbol + " 1 at " + (200 + i)).contains(line), "an order saw a price never quoted: " + line);
            }
        }
    }

    /** Sends one order per symbol per round and collects that round's outputs. */
    private static final class Rounds {
        private final LineReceiver receiver;
        private final int port;
        private final EngineProcess engine;
        int sent;

        Rounds(LineReceiver receiver, int port, EngineProcess engine) {
            this.receiver = receiver;
            this.port = port;
            this.engine = engine;
        }

        List<String> next() throws Exception {
            Framed.send(port, SYMBOLS.stream().map(s -> s + " 1").toList());
            sent++;
            int want = sent * SYMBOLS.size();
            List<String> all = receiver.await(want, Duration.ofSeconds(60));
            assertEquals(want, all.size(), "outputs of order round " + sent + ":\n" + engine.outputText());
            return all.subList(want - SYMBOLS.size(), want);
        }

        /** Repeats rounds until one gives exactly {@code expected} (in any order). */
        void until(List<String> expected) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<String> last = List.of();
            while (System.nanoTime() < deadline) {
                last = sorted(next());
                if (last.equals(sorted(expected))) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("orders never saw the prices " + expected + "; last round: " + last);
        }
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
