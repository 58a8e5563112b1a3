package io.wallaroo.engine.connector.tcp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The I/O threads shared by every TCP connector of the process (one is plenty next to the lanes). */
public final class NettyLoops {
    private static EventLoopGroup group;

    private NettyLoops() {}

    public static synchronized EventLoopGroup shared() {
        if (group == null) {
            group = new NioEventLoopGroup(1, new DefaultThreadFactory("wallaroo-io", true));
        }
        return group;
    }
}
