package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wallaroo.engine.connector.SinkChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One sink script's connection: reads its hello and acknowledgements, and remembers what was sent
 * to it until it is acknowledged, so that what a script never confirmed can go to another one.
 *
 * <p>Its bookkeeping ({@link #send}, {@link #acknowledge}, {@link #takeUnacknowledged}) is called
 * by {@link ExtensionSink} under the sink's lock.
 */
final class SinkScriptConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SinkScriptConnection.class);

    /** A chunk sent on this connection; {@code first} is the connection-wide number of its first record. */
    private record Sent(SinkChunk chunk, long first) {
        long end() {
            return first + chunk.messages();
        }
    }

    private final ExtensionSink sink;
    private final Channel channel;
    private final Frames frames = new Frames(ExtensionProtocol.CONTROL_FRAME_LIMIT);
    private final ArrayDeque<Sent> unacknowledged = new ArrayDeque<>();
    private Hello hello;
    private String who;
    private long sentRecords;
    private long acknowledgedRecords;
    private long unacknowledgedBytes;
    private boolean failed;

    SinkScriptConnection(ExtensionSink sink, Channel channel) {
        this.sink = sink;
        this.channel = channel;
        this.who = "script from " + channel.remoteAddress();
    }

    String who() {
        return who;
    }

    // -- bookkeeping, under the sink's lock ------------------------------------------------------

    /** Whether this script can take another chunk now: its socket accepts writes and its window is open. */
    boolean hasRoom(long windowBytes) {
        return !failed && channel.isActive() && channel.isWritable() && unacknowledgedBytes < windowBytes;
    }

    void send(SinkChunk chunk) {
        unacknowledged.add(new Sent(chunk, sentRecords));
        sentRecords += chunk.messages();
        unacknowledgedBytes += chunk.bytes().length;
        channel.write(ExtensionProtocol.recordsFrame(chunk.bytes(), 0, chunk.bytes().length));
    }

    void flush() {
        channel.flush();
    }

    /** Records {@code count} as handled; returns the chunks now fully acknowledged, oldest first. */
    List<SinkChunk> acknowledge(long count) throws ProtocolException {
        if (count < acknowledgedRecords || count > sentRecords) {
            throw new ProtocolException("an acknowledgement of " + count + " records, but " + sentRecords
                    + " were sent and " + acknowledgedRecords + " acknowledged before (acks are cumulative)");
        }
        acknowledgedRecords = count;
        List<SinkChunk> done = new ArrayList<>();
        while (!unacknowledged.isEmpty() && unacknowledged.peek().end() <= acknowledgedRecords) {
            SinkChunk chunk = unacknowledged.poll().chunk();
            unacknowledgedBytes -= chunk.bytes().length;
            done.add(chunk);
        }
        return done;
    }

    long unacknowledgedBytes() {
        return unacknowledgedBytes;
    }

    long unacknowledgedRecords() {
        return sentRecords - acknowledgedRecords;
    }

    /**
     * Everything sent but not acknowledged, oldest first, for another script; a chunk the script
     * acknowledged in part comes back without the records it confirmed. The connection keeps nothing.
     */
    List<SinkChunk> takeUnacknowledged() {
        List<SinkChunk> back = unacknowledgedChunks();
        unacknowledged.clear();
        unacknowledgedBytes = 0;
        return back;
    }

    /** What {@link #takeUnacknowledged()} would give back, leaving the connection as it is. */
    List<SinkChunk> unacknowledgedChunks() {
        List<SinkChunk> back = new ArrayList<>(unacknowledged.size());
        for (Sent sent : unacknowledged) {
            long confirmed = acknowledgedRecords - sent.first();
            back.add(confirmed > 0 ? RecordChunks.dropFirst(sent.chunk(), (int) confirmed) : sent.chunk());
        }
        return back;
    }

    // -- the channel -----------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (failed) {
            in.release();
            return;
        }
        frames.add(ctx.alloc(), in);
        try {
            ByteBuf frame;
            while (!failed && (frame = frames.next()) != null) {
                handle(frame);
            }
        } catch (ProtocolException e) {
            fail(ctx, e.getMessage());
        }
        frames.compact();
    }

    private void handle(ByteBuf frame) throws ProtocolException {
        byte type = frame.readByte();
        if (hello == null) {
            if (type != ExtensionProtocol.HELLO) {
                throw new ProtocolException("the first frame must be a hello (type " + ExtensionProtocol.HELLO
                        + ") but is of type " + type + "; only wallaroo.experimental.SinkExtension scripts may"
                        + " connect to this port");
            }
            hello = Hello.parse(frame, ExtensionProtocol.ROLE_SINK);
            who = hello.describe(channel.remoteAddress());
            sink.joined(this);
            return;
        }
        if (type != ExtensionProtocol.ACK) {
            throw new ProtocolException("unknown frame type " + type + " (a sink script sends only hello and ack frames)");
        }
        if (frame.readableBytes() != 8) {
            throw new ProtocolException("an ack frame must carry exactly 8 bytes, not " + frame.readableBytes());
        }
        sink.acknowledged(this, frame.readLong());
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        failed = true;
        LOG.warn("{}: closing the connection of {}: {}; other connections are not affected", sink.describe(), who, reason);
        ctx.writeAndFlush(ExtensionProtocol.errorFrame(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Not inline: this can fire from inside a write the sink is making under its lock.
        ctx.executor().execute(sink::dispatch);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frames.release();
        if (hello != null) {
            sink.left(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("{}: connection of {} failed: {}", sink.describe(), who, cause.toString());
        ctx.close();
    }
}
