package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Collects one connection's bytes and cuts them into frames (uint32 length, then that many
 * bytes). Like the TCP source's decoder it keeps its own cumulation buffer instead of extending
 * Netty's ByteToMessageDecoder, whose own reads would defeat back-pressure while reading is paused.
 *
 * <p>Not thread-safe: one instance belongs to one channel and is used on its event loop.
 */
final class Frames {
    private final long maxFrameLength;
    private ByteBuf cumulation;

    /** {@code maxFrameLength} bounds the declared length of one frame (type byte and body). */
    Frames(long maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /** Appends what the socket delivered and releases {@code in}. */
    void add(ByteBufAllocator alloc, ByteBuf in) {
        try {
            if (cumulation == null) {
                cumulation = alloc.heapBuffer(Math.max(4096, in.readableBytes()));
            }
            cumulation.writeBytes(in);
        } finally {
            in.release();
        }
    }

    /**
     * The next complete frame (type byte first) as a slice valid until {@link #compact()}, or null
     * when the buffer holds only part of one.
     */
    ByteBuf next() throws ProtocolException {
        if (cumulation == null || cumulation.readableBytes() < 4) {
            return null;
        }
        long length = cumulation.getUnsignedInt(cumulation.readerIndex());
        if (length < 1 || length > maxFrameLength) {
            throw new ProtocolException("a frame declares a length of " + length + " bytes, "
                    + (length < 1 ? "but every frame has at least its type byte" : "more than the limit of " + maxFrameLength)
                    + "; the script is not speaking the extension protocol (or sends a message over --max-frame-bytes)");
        }
        if (cumulation.readableBytes() < 4 + length) {
            cumulation.ensureWritable((int) (4 + length - cumulation.readableBytes()));
            return null;
        }
        cumulation.skipBytes(4);
        return cumulation.readSlice((int) length);
    }

    /** Frees the space of frames already handed out; earlier slices become invalid. */
    void compact() {
        if (cumulation != null) {
            cumulation.discardSomeReadBytes();
        }
    }

    /** Bytes of an incomplete frame still waiting for the rest. */
    int pendingBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    /** Reads a uint16-length-prefixed UTF-8 string from a frame body. */
    static String readString16(ByteBuf body, String what) throws ProtocolException {
        if (body.readableBytes() < 2) {
            throw new ProtocolException("the frame ends where the length of its " + what + " should be");
        }
        int n = body.readUnsignedShort();
        if (body.readableBytes() < n) {
            throw new ProtocolException("the " + what + " declares " + n + " bytes but the frame has only "
                    + body.readableBytes() + " left");
        }
        String text = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8);
        body.skipBytes(n);
        return text;
    }
}
