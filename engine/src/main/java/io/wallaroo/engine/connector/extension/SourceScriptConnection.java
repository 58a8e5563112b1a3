package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FrameBatchBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One source script's connection: checks its hello, takes its MESSAGE frames, drops the ones
 * whose sequence was seen already, and hands the payloads to its stream's inlets in batches, one
 * batch per partition group (a batch goes when it is full or when the socket has nothing more to
 * read right now).
 *
 * <p>A broken frame closes this connection alone; what came before it is still delivered.
 */
final class SourceScriptConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SourceScriptConnection.class);

    private final Function<String, StreamInlets> streams;
    private final SequenceTracker sequences;
    private final String sourceName;
    private final int maxPayloadBytes;
    private final int batchMessages;
    private final Frames frames;
    private Hello hello;
    private StreamInlets stream;
    private Channel channel;
    private FrameBatchBuilder[] batches;   // by partition group, once the hello named the stream
    private Map<String, Long>[] positions; // by partition group: highest sequence per partition in the batch
    private String who;
    private long accepted;
    private long duplicates;
    private boolean finished;   // said BYE, or broke the protocol: ignore anything after
    private boolean batchFull;  // the last message filled a batch, which was handed over

    /** Fired into the channel's pipeline when the runtime resumes reading (see {@link StreamInlets}). */
    static final Object RESUMED = new Object();

    SourceScriptConnection(Function<String, StreamInlets> streams, SequenceTracker sequences, String sourceName,
                           EngineSettings settings) {
        this.streams = streams;
        this.sequences = sequences;
        this.sourceName = sourceName;
        this.maxPayloadBytes = settings.maxFrameBytes();
        this.batchMessages = settings.batchMessages();
        this.frames = new Frames((long) maxPayloadBytes + ExtensionProtocol.MESSAGE_OVERHEAD);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        who = "script from " + ctx.channel().remoteAddress();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (finished) {
            in.release();
            return;
        }
        frames.add(ctx.alloc(), in);
        cutFrames(ctx, false);
    }

    /**
     * Handles the complete frames buffered so far. While the runtime has this input paused it stops
     * after a full batch and leaves the rest buffered, so a read that brought many small messages
     * does not push them all into lanes that asked for a pause; {@link #RESUMED} continues.
     */
    private void cutFrames(ChannelHandlerContext ctx, boolean evenIfPaused) {
        try {
            ByteBuf frame;
            while (!finished && (frame = frames.next()) != null) {
                handle(ctx, frame);
                if (batchFull) {
                    batchFull = false;
                    if (!evenIfPaused && !ctx.channel().config().isAutoRead()) {
                        break;
                    }
                }
            }
        } catch (ProtocolException e) {
            fail(ctx, e.getMessage());
        }
        frames.compact();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == RESUMED) {
            if (!finished) {
                cutFrames(ctx, false);
                deliver();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void handle(ChannelHandlerContext ctx, ByteBuf frame) throws ProtocolException {
        byte type = frame.readByte();
        if (hello == null) {
            if (type != ExtensionProtocol.HELLO) {
                throw new ProtocolException("the first frame must be a hello (type " + ExtensionProtocol.HELLO
                        + ") but is of type " + type + "; only wallaroo.experimental.SourceExtension scripts"
                        + " may connect to this port");
            }
            greet(ctx.channel(), Hello.parse(frame, ExtensionProtocol.ROLE_SOURCE));
            return;
        }
        switch (type) {
            case ExtensionProtocol.MESSAGE -> message(frame);
            case ExtensionProtocol.BYE -> finish(ctx);
            case ExtensionProtocol.HELLO -> throw new ProtocolException("a second hello frame on the same connection");
            default -> throw new ProtocolException("unknown frame type " + type + " (a source script sends only"
                    + " hello, message and bye frames)");
        }
    }

    private void greet(Channel ch, Hello greeting) {
        hello = greeting;
        channel = ch;
        who = greeting.describe(ch.remoteAddress());
        stream = streams.apply(greeting.streamName());
        batches = new FrameBatchBuilder[stream.groups()];
        @SuppressWarnings("unchecked")
        Map<String, Long>[] fresh = new Map[stream.groups()];
        positions = fresh;
        stream.attach(ch);
        ch.writeAndFlush(ExtensionProtocol.resumeFrame(sequences.partitionsOf(greeting.streamName())));
        LOG.info("{}: {} connected", sourceName, who);
    }

    private void message(ByteBuf frame) throws ProtocolException {
        if (!frame.isReadable()) {
            throw new ProtocolException("a message frame without its flags byte");
        }
        int flags = frame.readUnsignedByte();
        if ((flags & ~(ExtensionProtocol.FLAG_PARTITION | ExtensionProtocol.FLAG_SEQUENCE)) != 0) {
            throw new ProtocolException("a message frame has unknown flags " + Integer.toBinaryString(flags));
        }
        long sequence = -1;
        if ((flags & ExtensionProtocol.FLAG_SEQUENCE) != 0) {
            if (frame.readableBytes() < 8) {
                throw new ProtocolException("a message frame ends where its sequence should be");
            }
            sequence = frame.readLong();
            if (sequence < 0) {
                throw new ProtocolException("a message has a negative sequence (" + sequence + ")");
            }
        }
        String partition = (flags & ExtensionProtocol.FLAG_PARTITION) != 0 ? Frames.readString16(frame, "partition") : null;
        int length = frame.readableBytes();
        if (length > maxPayloadBytes) {
            throw new ProtocolException("a message of " + length + " bytes is over the limit of " + maxPayloadBytes
                    + " (--max-frame-bytes)");
        }
        if (sequence >= 0 && !sequences.accept(hello.streamName(), partition, sequence)) {
            duplicates++;
            return;
        }
        int group = stream.groupOf(partition);
        FrameBatchBuilder batch = batches[group];
        if (batch == null) {
            batch = batches[group] = new FrameBatchBuilder(batchMessages * 64, batchMessages);
        }
        int at = batch.reserve(length);
        frame.readBytes(batch.buffer(), at, length);
        accepted++;
        if (sequence >= 0) {
            if (positions[group] == null) {
                positions[group] = new HashMap<>();
            }
            positions[group].put(SequenceTracker.positionName(hello.streamName(), partition), sequence);
        }
        if (batch.full()) {
            deliver(group);
            batchFull = true;
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        finished = true;
        deliver();
        LOG.info("{}: {} finished after {} messages{}", sourceName, who, accepted, duplicateNote());
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        finished = true;
        deliver();
        LOG.warn("{}: closing the connection of {}: {}; other connections are not affected", sourceName, who, reason);
        ctx.writeAndFlush(ExtensionProtocol.errorFrame(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Hands over every partition group's batch so far. */
    private void deliver() {
        if (batches == null) {
            return;
        }
        for (int group = 0; group < batches.length; group++) {
            if (batches[group] != null && batches[group].count() > 0) {
                deliver(group);
            }
        }
    }

    /** Hands over one group's batch with the sequences it takes the stream's partitions to. */
    private void deliver(int group) {
        Map<String, Long> after = positions[group];
        positions[group] = null;
        stream.inlet(group).deliver(batches[group].take(Completion.NONE), after);
    }

    private String duplicateNote() {
        return duplicates == 0 ? "" : " (" + duplicates + " already-seen sequences dropped)";
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deliver();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            cutFrames(ctx, true); // every complete frame counts, even if the input was paused
        }
        if (!finished) {
            int partial = frames.pendingBytes();
            LOG.warn("{}: {} disconnected without saying bye after {} messages{}{}; a restarted script may resend:"
                            + " messages with a sequence are deduplicated", sourceName, who, accepted, duplicateNote(),
                    partial > 0 ? ", in the middle of a frame (" + partial + " bytes of it dropped)" : "");
        }
        deliver();
        if (stream != null) {
            stream.detach(channel);
        }
        frames.release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("{}: connection of {} failed: {}", sourceName, who, cause.toString());
        ctx.close();
    }
}
