package io.wallaroo.engine;

/**
 * Lets a few log lines of one kind through per second and counts the rest, so a stream of bad
 * records or a long outage is reported without flooding the log.
 */
public final class LogThrottle {
    private final int perSecond;
    private long second = -1;
    private int logged;
    private long suppressed;

    public LogThrottle(int perSecond) {
        this.perSecond = perSecond;
    }

    /** -1 when this line should be dropped, else how many were dropped since the last one logged. */
    public synchronized long admit() {
        long now = System.nanoTime() / 1_000_000_000L;
        if (now != second) {
            second = now;
            logged = 0;
        }
        if (logged < perSecond) {
            logged++;
            long dropped = suppressed;
            suppressed = 0;
            return dropped;
        }
        suppressed++;
        return -1;
    }
}
