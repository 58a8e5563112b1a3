package io.wallaroo.engine.connector.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FrameBatchBuilder;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.topology.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one connection's bytes into frames and hands them to the runtime in batches: a batch is
 * delivered when it is full or when the socket has nothing more to read right now, so batches are
 * large under load and latency stays low when traffic is light.
 *
 * <p>Keeps its own cumulation buffer rather than extending Netty's ByteToMessageDecoder, which
 * issues reads of its own and would defeat back-pressure when reading is paused.
 */
final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);

    private final Framing framing;
    private final int maxFrameBytes;
    private final Inlet inlet;
    private final byte[] header;
    private final FrameBatchBuilder batch;
    private ByteBuf cumulation;
    private boolean failed;
    private boolean closing;

    FrameDecoder(Framing framing, int maxFrameBytes, int batchMessages, Inlet inlet) {
        this.framing = framing;
        this.maxFrameBytes = maxFrameBytes;
        this.inlet = inlet;
        this.header = new byte[framing.headerLength()];
        this.batch = new FrameBatchBuilder(batchMessages * 64, batchMessages);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (failed) {
            in.release();
            return;
        }
        if (cumulation == null) {
            cumulation = ctx.alloc().heapBuffer(Math.max(4096, in.readableBytes()));
        }
        cumulation.writeBytes(in);
        in.release();
        cutFrames(ctx);
        cumulation.discardSomeReadBytes();
    }

    private void cutFrames(ChannelHandlerContext ctx) {
        int headerLength = header.length;
        while (cumulation.readableBytes() >= headerLength) {
            cumulation.getBytes(cumulation.readerIndex(), header);
            long length;
            try {
                length = framing.payloadLength().payloadLength(header);
            } catch (RuntimeException e) {
                rejectHeader(ctx, e.getMessage());
                return;
            }
            if (length < 0 || length > maxFrameBytes) {
                reject(ctx, length);
                return;
            }
            if (cumulation.readableBytes() < headerLength + length) {
                cumulation.ensureWritable((int) (headerLength + length - cumulation.readableBytes()));
                return;
            }
            cumulation.skipBytes(headerLength);
            int n = (int) length;
            int at = batch.reserve(n);
            cumulation.readBytes(batch.buffer(), at, n);
            if (batch.full()) {
                flush();
                if (!closing && !ctx.channel().config().isAutoRead()) {
                    return; // paused: the rest stays buffered until the runtime resumes this input
                }
            }
        }
    }

    /** The runtime resumed this input: cut what was left buffered while it was paused. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == RESUMED) {
            if (!failed && cumulation != null) {
                cutFrames(ctx);
                flush();
                cumulation.discardSomeReadBytes();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** Fired into the channel's pipeline when reading is turned back on. */
    static final Object RESUMED = new Object();

    private void reject(ChannelHandlerContext ctx, long length) {
        failed = true;
        flush();
        LOG.warn("closing input connection from {}: a frame declares {} payload bytes, {}; fix the sender's framing"
                        + " or raise --max-frame-bytes (now {}); other connections are not affected",
                ctx.channel().remoteAddress(), length,
                length < 0 ? "a negative length" : "more than the limit", maxFrameBytes);
        ctx.close();
    }

    /** The header's length could not be read: the frame boundaries of this stream are lost. */
    private void rejectHeader(ChannelHandlerContext ctx, String reason) {
        failed = true;
        flush();
        LOG.warn("closing input connection from {}: {}; where the next frame starts is unknown, so the rest of"
                        + " this connection cannot be read; other connections are not affected",
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    private void flush() {
        if (batch.count() > 0) {
            inlet.deliver(batch.take(Completion.NONE));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!failed && cumulation != null) {
            // Deliver every complete frame, even if the input is paused: nothing more can be read,
            // and what was read is already in memory (at most one socket read beyond the pause).
            closing = true;
            cutFrames(ctx);
        }
        if (!failed && cumulation != null && cumulation.isReadable()) {
            LOG.warn("input connection from {} closed in the middle of a frame ({} bytes of it dropped)",
                    ctx.channel().remoteAddress(), cumulation.readableBytes());
        }
        flush();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        inlet.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("input connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
