package io.wallaroo.flink.job;

/**
 * What a Python operator emits: either one message for a state step ({@code target >= 0}, the
 * runner's step code, with its key and the stable hash of the key) or a batch of encoded output
 * for a sink ({@code target < 0}: sink id {@code -target - 1}, {@code count} messages in
 * {@code value}, laid out as that sink's format says). A Flink POJO.
 */
public class Envelope {
    private static final byte[] NONE = new byte[0];

    public int target;
    public int hash;
    public int count;
    public byte[] key = NONE;
    public byte[] value = NONE;

    public Envelope() {}

    public static Envelope routed(int code, int hash, byte[] key, byte[] value) {
        Envelope e = new Envelope();
        e.target = code;
        e.hash = hash;
        e.key = key;
        e.value = value;
        e.count = 1;
        return e;
    }

    public static Envelope sink(int sinkId, byte[] bytes, int count) {
        Envelope e = new Envelope();
        e.target = -sinkId - 1;
        e.value = bytes;
        e.count = count;
        return e;
    }

    public boolean forSink(int sinkId) {
        return target == -sinkId - 1;
    }

    public PartitionKey partitionKey() {
        return new PartitionKey(hash, key);
    }
}
