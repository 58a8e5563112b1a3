package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The wire format between the engine and extension scripts ({@code wallaroo.experimental}),
 * version 1. The Python side is {@code wallaroo-py/wallaroo/experimental/_protocol.py}; the two
 * must change together.
 *
 * <p>The engine is the server on both ends: source scripts connect to the address of a
 * {@code SourceExtensionConfig} and write messages; sink scripts connect to the address of a
 * {@code SinkExtensionConfig} and read output. All integers are big-endian.
 *
 * <pre>
 * frame    = uint32 length, then `length` bytes: uint8 type, body   (length &gt;= 1)
 *
 * HELLO    type 1, script -> engine, the first frame of every connection
 *          uint8 version (1), uint8 role (1 source, 2 sink), uint16 n, n bytes UTF-8 stream name
 * MESSAGE  type 2, source script -> engine
 *          uint8 flags (bit 0: partition present, bit 1: sequence present, others 0),
 *          [int64 sequence, 0 .. 2^63-1], [uint16 n, n bytes UTF-8 partition], payload (the rest)
 * BYE      type 3, source script -> engine, empty body: the script is done; the engine takes
 *          every message before it and then closes the connection, which the script waits for
 * RECORDS  type 4, engine -> sink script: one or more records, each
 *          int32 key length (-1: no key), key, int32 value length, value
 * ACK      type 5, sink script -> engine: int64 count, the number of records of this connection
 *          the script has handled so far (cumulative, never decreasing)
 * RESUME   type 6, engine -> source script, right after a valid HELLO: where the engine stands
 *          for this stream name: int32 n, then n times uint8 has-partition (0/1),
 *          [uint16 n, n bytes UTF-8 partition], int64 last sequence accepted. A script that resends
 *          after a restart can start after these (with --resilience-dir they survive the engine
 *          too); one that does not read it loses nothing: duplicates are dropped anyway.
 * ERROR    type 127, engine -> script, UTF-8 reason; the engine closes the connection after it
 * </pre>
 *
 * <p>Sources: the payload is handed to the application's decoder as it is. A message with a
 * sequence is dropped when its sequence is not greater than the last one the engine accepted for
 * the same (stream name, partition) of this source; the engine remembers those for as long as it
 * runs, across connections, so a script that restarts and resends is deduplicated. Messages
 * without a sequence are always taken. A partition's messages reach the pipeline in the order
 * they were written, also across reconnections (messages without a partition count as one
 * partition); different partitions may be processed in parallel. A frame the engine cannot parse
 * closes that connection only, with the reason logged and sent in an ERROR frame.
 *
 * <p>Sinks: see {@link ExtensionSink} for how output is shared among several connected scripts
 * and resent when a script goes away before acknowledging it.
 */
public final class ExtensionProtocol {
    private ExtensionProtocol() {}

    public static final int VERSION = 1;

    public static final byte HELLO = 1;
    public static final byte MESSAGE = 2;
    public static final byte BYE = 3;
    public static final byte RECORDS = 4;
    public static final byte ACK = 5;
    public static final byte RESUME = 6;
    public static final byte ERROR = 127;

    public static final int ROLE_SOURCE = 1;
    public static final int ROLE_SINK = 2;

    public static final int FLAG_PARTITION = 1;
    public static final int FLAG_SEQUENCE = 2;

    /** Bytes of a MESSAGE frame besides its payload, at most: type, flags, sequence, partition. */
    static final int MESSAGE_OVERHEAD = 1 + 1 + 8 + 2 + 0xFFFF;
    /** The largest HELLO or ACK frame (a hello carries a name of at most 65535 bytes). */
    static final int CONTROL_FRAME_LIMIT = 1 + 1 + 1 + 2 + 0xFFFF;

    static String roleName(int role) {
        return switch (role) {
            case ROLE_SOURCE -> "source script (wallaroo.experimental.SourceExtension)";
            case ROLE_SINK -> "sink script (wallaroo.experimental.SinkExtension)";
            default -> "client of unknown role " + role;
        };
    }

    /** An ERROR frame carrying {@code reason}. */
    static ByteBuf errorFrame(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer(5 + text.length);
        frame.writeInt(1 + text.length).writeByte(ERROR).writeBytes(text);
        return frame;
    }

    /** A RESUME frame: the last sequence accepted per partition (null: no partition). */
    static ByteBuf resumeFrame(java.util.Map<String, Long> partitions) {
        ByteBuf body = Unpooled.buffer();
        body.writeByte(RESUME).writeInt(partitions.size());
        partitions.forEach((partition, sequence) -> {
            if (partition == null) {
                body.writeByte(0);
            } else {
                byte[] name = partition.getBytes(StandardCharsets.UTF_8);
                body.writeByte(1).writeShort(name.length).writeBytes(name);
            }
            body.writeLong(sequence);
        });
        ByteBuf frame = Unpooled.buffer(4 + body.readableBytes());
        frame.writeInt(body.readableBytes()).writeBytes(body);
        body.release();
        return frame;
    }

    /** A RECORDS frame around a chunk in the RECORDS layout, without copying the chunk. */
    static ByteBuf recordsFrame(byte[] records, int offset, int length) {
        ByteBuf header = Unpooled.buffer(5);
        header.writeInt(1 + length).writeByte(RECORDS);
        return Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(records, offset, length));
    }
}
