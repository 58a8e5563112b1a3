package io.wallaroo.flink.job;

import java.util.Arrays;

/**
 * The Flink key of a state entity: the key's canonical bytes (from {@code wallaroo._keyed}),
 * equal for equal keys, with the hash the local engine routes by as its {@link #hashCode()};
 * Flink computes the key group from that hash, so one key always lands on one task.
 */
public class PartitionKey {
    public int hash;
    public byte[] bytes;

    public PartitionKey() {}

    public PartitionKey(int hash, byte[] bytes) {
        this.hash = hash;
        this.bytes = bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
