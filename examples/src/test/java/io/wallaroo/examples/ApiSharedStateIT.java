package io.wallaroo.examples;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two pipelines naming the same partitioned state share its entities: a withdrawal sees the
 * balance deposits left, and a later deposit sees the withdrawal. With two lanes the sixteen
 * accounts are spread over both, so most operations are routed to another lane.
 */
class ApiSharedStateIT {
    private static final int ACCOUNTS = 16;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} lane(s)")
    @ValueSource(ints = {1, 2})
    void theSameAccountFromEitherPipelineIsOneEntity(int lanes) throws Exception {
        int deposits = EngineProcess.freePort();
        int withdrawals = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "shared_accounts", List.of(deposits, withdrawals),
                     List.of(receiver.port()), lanes)) {
            engine.awaitReady();

            // Each phase waits for its outputs, so the phases cannot overtake each other.
            Framed.send(deposits, each(i -> "acct-" + i + " " + (i + 1) * 10));
            List<String> afterDeposits = phase(receiver, 1, engine);
            Framed.send(withdrawals, each(i -> "acct-" + i + " 1"));
            List<String> afterWithdrawals = phase(receiver, 2, engine);
            Framed.send(deposits, each(i -> "acct-" + i + " 5"));
            List<String> afterSecondDeposits = phase(receiver, 3, engine);

            assertEquals(sorted(each(i -> "deposit acct-" + i + " " + (i + 1) * 10)), sorted(afterDeposits));
            assertEquals(sorted(each(i -> "withdraw acct-" + i + " " + ((i + 1) * 10 - 1))), sorted(afterWithdrawals),
                    "withdrawals see the deposits' balances");
            assertEquals(sorted(each(i -> "deposit acct-" + i + " " + ((i + 1) * 10 + 4))), sorted(afterSecondDeposits),
                    "deposits see the withdrawals");
        }
    }

    /** The outputs of phase {@code n} (each phase sends one message per account). */
    private static List<String> phase(LineReceiver receiver, int n, EngineProcess engine) throws InterruptedException {
        List<String> all = receiver.await(n * ACCOUNTS, Duration.ofSeconds(60));
        assertEquals(n * ACCOUNTS, all.size(), "outputs after phase " + n + ":\n" + all + "\n" + engine.outputText());
        return all.subList((n - 1) * ACCOUNTS, n * ACCOUNTS);
    }

    private static List<String> each(java.util.function.IntFunction<String> message) {
        return IntStream.range(0, ACCOUNTS).mapToObj(message).toList();
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        copy.sort(null);
        return copy;
    }
}
