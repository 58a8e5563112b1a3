package io.wallaroo.engine.connector.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.wallaroo.engine.connector.ByteBudget;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.SinkChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A TCP client that writes encoded output to the receiver at host:port.
 *
 * <p>The receiver may start after the engine or go away: output waits in a bounded buffer while
 * the sink connects and reconnects. A chunk leaves the buffer only when the socket accepted it;
 * chunks still unwritten when a connection drops are sent again on the next one. When the buffer
 * is full, {@link #write} blocks the lane, which pauses the inputs: a slow receiver slows the
 * pipeline instead of growing memory.
 */
public final class TcpSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(TcpSink.class);
    private static final long RETRY_MILLIS = 250;

    private final String host;
    private final int port;
    private final ByteBudget budget;
    private final Object lock = new Object();
    private final ArrayDeque<SinkChunk> pending = new ArrayDeque<>();   // not yet handed to the socket
    private final ArrayDeque<SinkChunk> inFlight = new ArrayDeque<>();  // handed over, not yet written
    private Channel channel;
    private volatile boolean closed;
    private boolean warnedWaiting;
    private volatile long connections;
    private Bootstrap bootstrap;

    public TcpSink(String host, int port, long bufferLimit) {
        this.host = host;
        this.port = port;
        this.budget = new ByteBudget(bufferLimit);
    }

    @Override
    public void start() {
        bootstrap = new Bootstrap()
                .group(NettyLoops.shared())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ConnectionWatcher());
                    }
                });
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                synchronized (lock) {
                    channel = f.channel();
                }
                connections++; // only the I/O thread connects
                LOG.info("sink connected to {}:{}", host, port);
                warnedWaiting = false;
                drain();
            } else {
                if (!warnedWaiting) {
                    LOG.info("sink waiting for a receiver on {}:{} ({}); output is kept until it connects",
                            host, port, f.cause().getMessage());
                    warnedWaiting = true;
                }
                NettyLoops.shared().schedule(this::connect, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void write(SinkChunk chunk) throws InterruptedException {
        budget.acquire(chunk.bytes().length);
        synchronized (lock) {
            pending.add(chunk);
        }
        NettyLoops.shared().execute(this::drain);
    }

    /** On the I/O thread: hands pending chunks to the socket while it accepts them. */
    private void drain() {
        Channel ch;
        boolean wrote = false;
        synchronized (lock) {
            ch = channel;
            if (ch == null || !ch.isActive()) {
                return;
            }
            while (!pending.isEmpty() && ch.isWritable()) {
                SinkChunk chunk = pending.poll();
                inFlight.add(chunk);
                ch.write(Unpooled.wrappedBuffer(chunk.bytes())).addListener(f -> written(chunk, f.isSuccess()));
                wrote = true;
            }
        }
        if (wrote) {
            ch.flush();
        }
    }

    private void written(SinkChunk chunk, boolean success) {
        if (!success) {
            return; // the connection dropped: requeue() puts it back in order
        }
        synchronized (lock) {
            inFlight.remove(chunk);
        }
        chunk.completion().release();
        budget.release(chunk.bytes().length);
    }

    /** The connection dropped: what it had not written goes back to the front, in order. */
    private void requeue() {
        synchronized (lock) {
            channel = null;
            while (!inFlight.isEmpty()) {
                pending.addFirst(inFlight.pollLast());
            }
        }
    }

    @Override
    public boolean drain(long millis) throws InterruptedException {
        return budget.awaitEmpty(millis);
    }

    @Override
    public String describe() {
        return "tcp sink " + host + ":" + port;
    }

    @Override
    public boolean connected() {
        Channel ch;
        synchronized (lock) {
            ch = channel;
        }
        return ch != null && ch.isActive();
    }

    @Override
    public long bufferedBytes() {
        return budget.used();
    }

    @Override
    public long bufferLimit() {
        return budget.limit();
    }

    @Override
    public long reconnects() {
        return Math.max(0, connections - 1);
    }

    @Override
    public void close() {
        closed = true;
        budget.close();
        Channel ch;
        synchronized (lock) {
            ch = channel;
        }
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }

    private final class ConnectionWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            drain();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg); // receivers do not talk back; ignore anything they send
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            requeue();
            if (!closed) {
                LOG.warn("sink connection to {}:{} closed; reconnecting, output is kept meanwhile", host, port);
                NettyLoops.shared().schedule(TcpSink.this::connect, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("sink connection to {}:{} failed: {}", host, port, cause.toString());
            ctx.close();
        }
    }
}
