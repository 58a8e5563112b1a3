package io.wallaroo.engine.connector;

/**
 * Bounds the bytes of output a sink holds: taken but not yet written, or not yet acknowledged.
 * {@link #acquire} blocks the calling lane while the bound is reached, which is every sink's
 * back-pressure: a slow receiver, producer or sink script slows the pipeline instead of growing
 * memory. A single chunk larger than the bound still passes once nothing else is held, and once
 * the sink is closed nothing waits.
 */
public final class ByteBudget {
    private final long limit;
    private long used;
    private boolean closed;

    public ByteBudget(long limit) {
        this.limit = Math.max(1, limit);
    }

    /** Counts {@code bytes} as held, first waiting while they would not fit. */
    public synchronized void acquire(long bytes) throws InterruptedException {
        while (!closed && used > 0 && used + bytes > limit) {
            wait();
        }
        used += bytes;
    }

    /** The bytes left the sink (or went back to it uncounted). */
    public synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    /** Waits up to {@code millis} until nothing is held; true when that happened. */
    public synchronized boolean awaitEmpty(long millis) throws InterruptedException {
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

    /** The sink is closing: lanes blocked in {@link #acquire} go on, and no later call waits. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    public long limit() {
        return limit;
    }

    public synchronized long used() {
        return used;
    }
}
