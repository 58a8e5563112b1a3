package io.wallaroo.engine.connector.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A listening socket on the shared I/O threads. It remembers the connections it accepted, so
 * closing the server closes them too, and it says plainly which address could not be had.
 */
public final class TcpServer implements AutoCloseable {
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel channel;

    private TcpServer(String host, int port, String purpose, String fix, Consumer<SocketChannel> onConnection) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(NettyLoops.shared())
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        onConnection.accept(ch);
                    }
                });
        try {
            channel = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new CannotListenException("cannot listen for " + purpose + " on " + host + ":" + port + " ("
                    + e.getMessage() + "); is another process using that port? " + fix, e);
        }
    }

    /**
     * Listens on host:port; {@code onConnection} sets up each accepted connection's pipeline.
     * {@code fix} tells the user how to choose another address when this one is taken.
     */
    public static TcpServer listen(String host, int port, String purpose, String fix, Consumer<SocketChannel> onConnection) {
        return new TcpServer(host, port, purpose, fix, onConnection);
    }

    /** The port actually bound (useful when port 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
    }
}
