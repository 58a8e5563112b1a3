package io.wallaroo.engine.connector.kafka;

import java.util.ArrayDeque;

/**
 * Which offsets of one partition may be committed: those of batches whose effects have all left
 * the engine, up to the first batch that is still in flight.
 *
 * <p>Batches of a partition are handed to the runtime in offset order, but they can finish out
 * of order (records of one batch go to several sink partitions, acknowledged independently), so a
 * finished batch behind an unfinished one must wait: committing past an unfinished batch would
 * skip its records after a crash. Called by the polling thread ({@link #track}, {@link #safeOffset})
 * and by whatever thread releases a batch's completion ({@link Batch#finish}), hence synchronised.
 */
final class OffsetTracker {
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    private long safe = -1;

    /** One delivered batch: offsets from {@code first} up to, not including, {@code next}. */
    final class Batch {
        private final long next;
        private boolean finished;

        private Batch(long next) {
            this.next = next;
        }

        /** Every effect of this batch has left the engine. */
        void finish() {
            synchronized (OffsetTracker.this) {
                finished = true;
                while (!inFlight.isEmpty() && inFlight.peekFirst().finished) {
                    safe = inFlight.pollFirst().next;
                }
            }
        }
    }

    /** Registers a batch delivered after all earlier ones; {@code next} is its last offset plus one. */
    synchronized Batch track(long next) {
        Batch batch = new Batch(next);
        inFlight.addLast(batch);
        return batch;
    }

    /** The offset to commit (the next record to read after a restart), or -1 when nothing finished yet. */
    synchronized long safeOffset() {
        return safe;
    }

    /** Batches handed over and not finished. */
    synchronized int inFlight() {
        return inFlight.size();
    }
}
