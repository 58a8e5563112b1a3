package io.wallaroo.engine.connector.tcp;

import io.netty.channel.socket.SocketChannel;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.topology.Framing;


/** A TCP server; each accepted connection is one ordered input of the pipeline. */
public final class TcpSource implements Source {
    private final String host;
    private final int port;
    private final Framing framing;
    private TcpServer server;

    public TcpSource(String host, int port, Framing framing) {
        this.host = host;
        this.port = port;
        this.framing = framing;
    }

    @Override
    public void start(SourceContext context) throws Exception {
        int maxFrame = context.settings().maxFrameBytes();
        int batch = context.settings().batchMessages();
        server = TcpServer.listen(host, port, "input connections", "Pick a free one with --in", ch -> {
            Inlet inlet = context.openInlet("tcp connection " + ch.remoteAddress(), new FlowControl() {
                @Override public void pause() { ch.config().setAutoRead(false); }
                @Override public void resume() {
                    ch.config().setAutoRead(true);
                    ch.pipeline().fireUserEventTriggered(FrameDecoder.RESUMED);
                }
                });
                ch.pipeline().addLast(new FrameDecoder(framing, maxFrame, batch, inlet));
        });
    }

    /** The port actually bound (useful when the topology asked for port 0). */
    public int boundPort() {
        return server.port();
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + (server == null ? port : boundPort());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
