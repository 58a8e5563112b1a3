package io.wallaroo.engine.connector.extension;

import java.util.HashMap;
import java.util.Map;
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

    /**
     * How snapshots name a (stream, partition): {@code <length of stream>:<stream>} then {@code -}
     * for "no partition" or {@code +<partition>}, so any names round-trip.
     */
    static String positionName(String stream, String partition) {
        return stream.length() + ":" + stream + (partition == null ? "-" : "+" + partition);
    }

    /** Takes the sequences a snapshot recorded as the ones already accepted. */
    void restore(Map<String, Long> positions) {
        positions.forEach((name, sequence) -> {
            int colon = name.indexOf(':');
            int length = Integer.parseInt(name.substring(0, colon));
            String stream = name.substring(colon + 1, colon + 1 + length);
            String rest = name.substring(colon + 1 + length);
            highest.put(new Key(stream, rest.startsWith("+") ? rest.substring(1) : null), sequence);
        });
    }

    /** The highest accepted sequence of every partition of {@code stream} (null key: no partition). */
    Map<String, Long> partitionsOf(String stream) {
        Map<String, Long> out = new HashMap<>();
        highest.forEach((key, sequence) -> {
            if (key.stream().equals(stream)) {
                out.put(key.partition(), sequence);
            }
        });
        return out;
    }

    /** The highest accepted sequence, or -1 when none was; for tests and logs. */
    long highest(String stream, String partition) {
        return highest.getOrDefault(new Key(stream, partition), -1L);
    }
}
