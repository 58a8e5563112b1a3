package io.wallaroo.engine.connector.extension;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest sequence accepted per (stream name, partition) of one source extension.
 *
 * <p>Kept for the life of the engine process and shared by all connections of the source, so a
 * script that dies and is restarted (a new connection) and resends what it wrote before is
 * deduplicated. Grows by one entry per distinct (stream, partition) pair.
 */
final class SequenceTracker {
    private record Key(String stream, String partition) {}

    private final ConcurrentHashMap<Key, Long> highest = new ConcurrentHashMap<>();

    /**
     * True when {@code sequence} is greater than every sequence accepted before for this stream and
     * partition ({@code partition} may be null: "no partition" is a partition of its own); it is
     * then recorded. False means the message is a duplicate and must be dropped.
     */
    boolean accept(String stream, String partition, long sequence) {
        boolean[] fresh = new boolean[1];
        highest.compute(new Key(stream, partition), (key, last) -> {
            fresh[0] = last == null || sequence > last;
            return fresh[0] ? sequence : last;
        });
        return fresh[0];
    }

    /** The highest accepted sequence, or -1 when none was; for tests and logs. */
    long highest(String stream, String partition) {
        return highest.getOrDefault(new Key(stream, partition), -1L);
    }
}
