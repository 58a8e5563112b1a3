package io.wallaroo.flink.job;

import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Keys a record by the key group Python put its messages in: for each key group one Integer
 * whose Flink key group (murmur of its hash code modulo max parallelism) is exactly that group.
 * So Flink's key group of a record is the runner's {@code hash(key) % maxParallelism}, and
 * rescaling moves state key group by key group, as it would with the entity keys themselves.
 */
public final class KeyGroupKeys implements KeySelector<Envelope, Integer> {
    private final int[] keys;

    public KeyGroupKeys(int maxParallelism) {
        keys = new int[maxParallelism];
        java.util.Arrays.fill(keys, -1);
        int found = 0;
        for (int k = 0; found < maxParallelism; k++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(k, maxParallelism);
            if (keys[group] < 0) {
                keys[group] = k;
                found++;
            }
        }
    }

    /** The key standing for key group {@code group}. */
    public Integer key(int group) {
        return keys[group];
    }

    @Override
    public Integer getKey(Envelope e) {
        return keys[e.group];
    }
}
