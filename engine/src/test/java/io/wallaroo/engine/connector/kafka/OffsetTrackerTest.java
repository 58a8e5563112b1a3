package io.wallaroo.engine.connector.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OffsetTrackerTest {

    @Test
    void nothingIsSafeUntilTheFirstBatchFinishes() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Batch first = tracker.track(10);
        OffsetTracker.Batch second = tracker.track(20);
        second.finish();
        assertEquals(-1, tracker.safeOffset(), "a finished batch behind an unfinished one is not safe");
        first.finish();
        assertEquals(20, tracker.safeOffset());
        assertEquals(0, tracker.inFlight());
    }

    @Test
    void theSafeOffsetStopsAtTheFirstUnfinishedBatch() {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Batch a = tracker.track(5);
        OffsetTracker.Batch b = tracker.track(9);
        OffsetTracker.Batch c = tracker.track(12);
        a.finish();
        c.finish();
        assertEquals(5, tracker.safeOffset());
        assertEquals(2, tracker.inFlight());
        b.finish();
        assertEquals(12, tracker.safeOffset());
    }

    @Test
    void finishingConcurrentlyFromManyThreadsEndsAtTheLastOffset() throws Exception {
        OffsetTracker tracker = new OffsetTracker();
        OffsetTracker.Batch[] batches = new OffsetTracker.Batch[10_000];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = tracker.track(i + 1);
        }
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int start = t;
            threads[t] = new Thread(() -> {
                for (int i = batches.length - 1 - start; i >= 0; i -= threads.length) {
                    batches[i].finish();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(batches.length, tracker.safeOffset());
    }
}
