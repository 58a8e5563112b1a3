package io.wallaroo.engine.connector;

import java.util.Arrays;

/**
 * Accumulates payloads into a {@link FrameBatch}; used by sources on their I/O thread, which hand
 * a batch over when {@link #full()} says so (or when their input has nothing more right now).
 *
 * <p>A source's first batches are small: {@value #FIRST_BATCH} messages, then twice as many with
 * each batch taken, up to the configured size. A freshly started engine runs its first batch
 * through code that neither the JVM nor GraalPy has compiled yet, about 2 ms a line for word
 * count, so a first batch of 512 held the first output of a burst back by about a second; starting
 * at 32 brings it within about a tenth of that, and the ramp is over after five batches.
 */
public final class FrameBatchBuilder {
    static final int FIRST_BATCH = 32;

    private final int maxMessages;
    private int limit;
    private byte[] data;
    private int[] lengths;
    private int size;
    private int count;

    /** A builder for batches of up to {@code maxMessages} messages, reserving about {@code initialBytes} at first. */
    public FrameBatchBuilder(int initialBytes, int maxMessages) {
        this.maxMessages = Math.max(1, maxMessages);
        this.limit = Math.min(FIRST_BATCH, this.maxMessages);
        data = new byte[Math.max(16, initialBytes)];
        lengths = new int[Math.max(4, maxMessages)];
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

    /** Whether the batch has as many messages as this one may have (fewer for a source's first batches). */
    public boolean full() {
        return count >= limit;
    }

    public int bytes() {
        return size;
    }

    /** The batch so far; the builder starts over empty, and the next batch may be twice as large up to the maximum. */
    public FrameBatch take(Completion completion) {
        FrameBatch batch = new FrameBatch(data, size, lengths, count, completion);
        limit = (int) Math.min(maxMessages, 2L * limit);
        data = new byte[data.length];
        lengths = new int[lengths.length];
        size = 0;
        count = 0;
        return batch;
    }
}
