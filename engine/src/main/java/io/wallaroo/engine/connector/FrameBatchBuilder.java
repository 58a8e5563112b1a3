package io.wallaroo.engine.connector;

import java.util.Arrays;

/** Accumulates payloads into a {@link FrameBatch}; used by sources on their I/O thread. */
public final class FrameBatchBuilder {
    private byte[] data;
    private int[] lengths;
    private int size;
    private int count;

    public FrameBatchBuilder(int initialBytes, int initialCount) {
        data = new byte[Math.max(16, initialBytes)];
        lengths = new int[Math.max(4, initialCount)];
    }

    /** Room for one payload of {@code length} bytes; returns the offset to write it at. */
    public int reserve(int length) {
        if (size + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + length));
        }
        if (count == lengths.length) {
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        lengths[count++] = length;
        int at = size;
        size += length;
        return at;
    }

    public void add(byte[] payload, int offset, int length) {
        int at = reserve(length);
        System.arraycopy(payload, offset, data, at, length);
    }

    public byte[] buffer() {
        return data;
    }

    public int count() {
        return count;
    }

    public int bytes() {
        return size;
    }

    /** The batch so far; the builder starts over empty. */
    public FrameBatch take(Completion completion) {
        FrameBatch batch = new FrameBatch(data, size, lengths, count, completion);
        data = new byte[data.length];
        lengths = new int[lengths.length];
        size = 0;
        count = 0;
        return batch;
    }
}
