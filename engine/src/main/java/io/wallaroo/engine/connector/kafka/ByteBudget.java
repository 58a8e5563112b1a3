package io.wallaroo.engine.connector.kafka;

/**
 * Bounds the bytes a sink has handed to the producer and not had acknowledged. {@link #acquire}
 * blocks the calling lane when the bound is reached: that is the sink's back-pressure, and it
 * keeps the producer's own buffer from filling (where {@code send} would block with a timeout and
 * then fail). A single record larger than the bound still passes once nothing else is in flight.
 */
final class ByteBudget {
    private final long limit;
    private long used;

    ByteBudget(long limit) {
        this.limit = Math.max(1, limit);
    }

    synchronized void acquire(long bytes) throws InterruptedException {
        while (used > 0 && used + bytes > limit) {
            wait();
        }
        used += bytes;
    }

    synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    /** Waits up to {@code millis} until nothing is in flight; true when that happened. */
    synchronized boolean awaitEmpty(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (used > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    long limit() {
        return limit;
    }

    synchronized long used() {
        return used;
    }
}
