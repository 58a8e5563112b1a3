package io.wallaroo.engine.connector.extension;

import io.netty.channel.socket.SocketChannel;
import io.wallaroo.engine.connector.tcp.TcpServer;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The server that source scripts ({@code wallaroo.experimental.SourceExtension}) connect to, for
 * one pipeline; see {@link ExtensionProtocol} for the wire format.
 *
 * <p>Order and duplicates are handled per (stream name, partition), across connections, for the
 * life of the engine: a partition's messages reach the pipeline in the order they were written,
 * also when a script reconnects (see {@link StreamInlets}), and a message whose sequence is not
 * greater than the last one accepted for its partition is dropped (see {@link SequenceTracker}).
 * Partitions of one stream may be processed in parallel on different lanes.
 *
 * <p>Back-pressure works as for TCP sources: when lanes fall behind the engine stops reading, the
 * script's socket buffer fills, and its {@code write} blocks.
 */
public final class ExtensionSource implements Source {
    private final String host;
    private final int port;
    private final String pipelineName;
    private final SequenceTracker sequences = new SequenceTracker();
    private final ConcurrentHashMap<String, StreamInlets> streams = new ConcurrentHashMap<>();
    private TcpServer server;

    public ExtensionSource(String host, int port, String pipelineName) {
        this.host = host;
        this.port = port;
        this.pipelineName = pipelineName;
    }

    @Override
    public void start(SourceContext context) throws Exception {
        String name = "source extension of pipeline '" + pipelineName + "'";
        server = TcpServer.listen(host, port, "source scripts", "Give SourceExtensionConfig a free one", ch -> {
            ch.pipeline().addLast(new SourceScriptConnection(
                    stream -> streams.computeIfAbsent(stream, s -> new StreamInlets(context,
                            "stream '" + s + "' of " + name, context.settings().lanes())),
                    sequences, name, context.settings()));
        });
    }

    /** Sequences the snapshot recorded count as accepted: resends of them are dropped. */
    @Override
    public void restore(java.util.Map<String, Long> positions) {
        sequences.restore(positions);
    }

    @Override
    public boolean replayable() {
        return true;
    }

    /** The port actually bound (useful when the topology asked for port 0). */
    public int boundPort() {
        return server.port();
    }

    /** The highest sequence accepted for a stream name and partition, -1 if none; for tests. */
    long highestSequence(String stream, String partition) {
        return sequences.highest(stream, partition);
    }

    @Override
    public String describe() {
        return "source extension " + host + ":" + (server == null ? port : boundPort());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        streams.values().forEach(StreamInlets::close);
    }
}
