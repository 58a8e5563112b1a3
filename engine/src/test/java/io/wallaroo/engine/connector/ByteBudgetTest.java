package io.wallaroo.engine.connector;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteBudgetTest {

    @Test
    void acquireBlocksAtTheLimitUntilSomethingIsReleased() throws Exception {
        ByteBudget budget = new ByteBudget(100);
        budget.acquire(60);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                budget.acquire(60);
                acquired.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        writer.start();
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "over the limit: the writer waits");
        budget.release(60);
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
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
        CountDownLatch acquired = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                budget.acquire(10);
                acquired.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        writer.start();
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "full: the writer waits");
        budget.close();
        assertTrue(acquired.await(5, TimeUnit.SECONDS), "a closed sink keeps no lane waiting");
    }
}
