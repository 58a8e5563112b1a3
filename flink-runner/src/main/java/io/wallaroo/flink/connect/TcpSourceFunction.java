package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.tcp.TcpSource;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.streaming.api.functions.source.legacy.RichSourceFunction;

/**
 * The local engine's TCP server ({@link TcpSource}: framing, per-connection order, back-pressure)
 * as a single-parallelism Flink source. Each frame batch becomes one record tagged with its
 * connection; when Flink falls behind, connections stop being read.
 */
public final class TcpSourceFunction extends RichSourceFunction<FrameChunk> {
    private final String host;
    private final int port;
    private final int headerLength;
    private final String lengthFormat;
    private final int maxFrameBytes;
    private final int batchMessages;

    private volatile boolean running = true;
    private transient TcpSource server;

    public TcpSourceFunction(String host, int port, int headerLength, String lengthFormat, int maxFrameBytes, int batchMessages) {
        this.host = host;
        this.port = port;
        this.headerLength = headerLength;
        this.lengthFormat = lengthFormat;
        this.maxFrameBytes = maxFrameBytes;
        this.batchMessages = batchMessages;
    }

    @Override
    public void run(SourceContext<FrameChunk> ctx) throws Exception {
        InletQueue inlets = new InletQueue(1, maxFrameBytes, batchMessages);
        server = new TcpSource(host, port, Framing.of(headerLength, lengthFormat));
        try {
            server.start(inlets);
        } catch (IllegalStateException e) {
            throw BindFailure.of(getRuntimeContext(), e);
        }
        try {
            while (running) {
                InletQueue.Item item = inlets.poll(100);
                if (item != null) {
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(item.chunk());
                    }
                }
            }
        } finally {
            server.close();
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
