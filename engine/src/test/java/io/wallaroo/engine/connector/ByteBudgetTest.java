package io.wallaroo.engine.connector;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteBudgetTest {

    /**
     * A lane-like writer asks for {@code asked} bytes of a full budget: it must wait, and go on
     * once {@code freeing} has run.
     */
    private static void assertWriterWaitsUntil(ByteBudget budget, long asked, Runnable freeing, String why)
            throws InterruptedException {
        CountDownLatch acquired = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                budget.acquire(asked);
                acquired.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        writer.setDaemon(true);
        writer.start();
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "the budget is full: the writer waits");
        freeing.run();
        assertTrue(acquired.await(5, TimeUnit.SECONDS), why);
    }

    @Test
    void acquireBlocksAtTheLimitUntilSomethingIsReleased() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        budget.acquire(60);
        assertWriterWaitsUntil(budget, 60, () -> budget.release(60), "released: the writer goes on");
        assertEquals(60, budget.used());
    }

    @Test
    void oneRecordLargerThanTheLimitPassesWhenNothingElseIsInFlight() throws Exception {
        ByteBudget budget = new ByteBudget(10);
        budget.acquire(1000);
        assertFalse(budget.awaitEmpty(50));
        budget.release(1000);
        assertTrue(budget.awaitEmpty(50));
    }

    @Test
    void closingReleasesAWaitingWriter() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        budget.acquire(100);
        assertWriterWaitsUntil(budget, 10, budget::close, "a closed sink keeps no lane waiting");
    }
}
