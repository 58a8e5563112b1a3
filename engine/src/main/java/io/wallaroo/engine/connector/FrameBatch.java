package io.wallaroo.engine.connector;

/**
 * Messages as bytes: {@code count} payloads laid end to end in {@code data}, payload i being
 * {@code lengths[i]} bytes long. One array for the whole batch keeps the crossing into a guest
 * language to a single copy.
 */
public record FrameBatch(byte[] data, int dataLength, int[] lengths, int count, Completion completion) {

    public static FrameBatch of(byte[]... payloads) {
        int total = 0;
        for (byte[] p : payloads) {
            total += p.length;
        }
        byte[] data = new byte[total];
        int[] lengths = new int[payloads.length];
        int at = 0;
        for (int i = 0; i < payloads.length; i++) {
            System.arraycopy(payloads[i], 0, data, at, payloads[i].length);
            lengths[i] = payloads[i].length;
            at += payloads[i].length;
        }
        return new FrameBatch(data, total, lengths, payloads.length, Completion.NONE);
    }
}
