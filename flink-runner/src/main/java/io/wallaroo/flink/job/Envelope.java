package io.wallaroo.flink.job;

/**
 * What a Python operator emits: either the messages of one batch for one state step and one key
 * group ({@code target >= 0}, the runner's step code; {@code text} is their packed crossing, as
 * between two local lanes) or a batch of encoded output for a sink ({@code target < 0}: sink id
 * {@code -target - 1}, laid out in {@code value} as that sink's format says). {@code count} is the
 * number of messages either way. A Flink POJO.
 */
public class Envelope {
    private static final byte[] NONE = new byte[0];

    public int target;
    public int group;
    public int count;
    public String text = "";
    public byte[] value = NONE;

    public Envelope() {}

    public static Envelope routed(int code, int group, String packed, int count) {
        Envelope e = new Envelope();
        e.target = code;
        e.group = group;
        e.text = packed;
        e.count = count;
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
}
