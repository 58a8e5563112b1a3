package io.wallaroo.engine.connector;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The RECORDS layout of a sink chunk: for each record a big-endian int32 key length (-1 for no
 * key), the key, a big-endian int32 value length, the value.
 */
public final class SinkRecords {
    private SinkRecords() {}

    public interface Consumer {
        void accept(byte[] key, byte[] value);
    }

    public static void forEach(byte[] chunk, Consumer consumer) {
        ByteBuffer in = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
        while (in.remaining() >= 8) {
            byte[] key = readBlock(in);
            byte[] value = readBlock(in);
            consumer.accept(key, value);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("truncated record chunk: " + in.remaining() + " bytes left over");
        }
    }

    private static byte[] readBlock(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] block = new byte[length];
        in.get(block);
        return block;
    }

    /** Writes one record in this layout; used by Java executors and tests. */
    public static byte[] encode(byte[] key, byte[] value) {
        int size = 8 + (key == null ? 0 : key.length) + value.length;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(key == null ? -1 : key.length);
        if (key != null) {
            out.put(key);
        }
        out.putInt(value.length).put(value);
        return out.array();
    }
}
