package io.wallaroo.engine.connector.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.topology.Framing;

import java.net.InetSocketAddress;

/** A TCP server; each accepted connection is one ordered input of the pipeline. */
public final class TcpSource implements Source {
    private final String host;
    private final int port;
    private final Framing framing;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;

    public TcpSource(String host, int port, Framing framing) {
        this.host = host;
        this.port = port;
        this.framing = framing;
    }

    @Override
    public void start(SourceContext context) throws Exception {
        int maxFrame = context.settings().maxFrameBytes();
        int batch = context.settings().batchMessages();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(NettyLoops.shared())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        Inlet inlet = context.openInlet("tcp connection " + ch.remoteAddress(), new FlowControl() {
                            @Override public void pause() { ch.config().setAutoRead(false); }
                            @Override public void resume() {
                                ch.config().setAutoRead(true);
                                ch.pipeline().fireUserEventTriggered(FrameDecoder.RESUMED);
                            }
                        });
                        ch.pipeline().addLast(new FrameDecoder(framing, maxFrame, batch, inlet));
                    }
                });
        try {
            server = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); is another process using that port? Pick a free one with --in", e);
        }
    }

    /** The port actually bound (useful when the topology asked for port 0). */
    public int boundPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + (server == null ? port : boundPort());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        connections.close().syncUninterruptibly();
    }
}
