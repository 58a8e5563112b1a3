package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.tcp.TcpSource;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the local engine's TCP server ({@link TcpSource}: framing, per-connection order,
 * back-pressure) and emits each frame batch as one record tagged with its connection, on the
 * task's thread. When the task falls behind, the queue grows and connections stop being read.
 */
final class TcpServerReader implements SourceReader<FrameChunk, TcpServerSource.NoSplit> {
    private final String host;
    private final int port;
    private final String lengthFormat;
    private final int headerLength;
    private final InletQueue inlets;
    private TcpSource server;

    TcpServerReader(String host, int port, int headerLength, String lengthFormat, int maxFrameBytes, int batchMessages) {
        this.host = host;
        this.port = port;
        this.headerLength = headerLength;
        this.lengthFormat = lengthFormat;
        this.inlets = new InletQueue(1, maxFrameBytes, batchMessages);
    }

    @Override
    public void start() {
        server = ServerStart.listening(host, port, () -> new TcpSource(host, port, Framing.of(headerLength, lengthFormat)), inlets,
                "TCP source " + host + ":" + port);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<FrameChunk> output) throws Exception {
        return inlets.emitNext(output) == null ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return inlets.available();
    }

    @Override
    public List<TcpServerSource.NoSplit> snapshotState(long checkpointId) {
        return List.of();
    }

    @Override
    public void addSplits(List<TcpServerSource.NoSplit> splits) {}

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() {
        ServerStart.close(server, host, port);
    }
}
