package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.extension.ExtensionSink;
import io.wallaroo.engine.runtime.Completion;
import io.wallaroo.engine.runtime.SinkChunk;
import io.wallaroo.flink.job.Envelope;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local engine's sink extension server ({@link ExtensionSink}: the wire protocol, sharing
 * among several scripts, resending what a departed script did not acknowledge) as a
 * single-parallelism Flink sink that sink scripts connect to at the same address.
 *
 * <p>At least once across failures: a checkpoint completes only when sink scripts have
 * acknowledged every record written before its barrier, so what a restore replays is never
 * older than what was acknowledged. While a checkpoint waits (no script connected, or a slow
 * one), the wait is logged every few seconds naming the address; Flink's checkpoint timeout
 * bounds it.
 */
public final class ExtensionSinkFunction extends RichSinkFunction<Envelope> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionSinkFunction.class);
    private static final long BUFFER_BYTES = 32L << 20;
    private static final long REPORT_MILLIS = 10_000;

    private final String host;
    private final int port;
    private final int sinkId;
    private transient ExtensionSink sink;

    public ExtensionSinkFunction(String host, int port, int sinkId) {
        this.host = host;
        this.port = port;
        this.sinkId = sinkId;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) throws Exception {
        sink = new ExtensionSink(host, port, BUFFER_BYTES, sinkId);
        sink.start();
        LOG.info("{} listens for sink scripts", sink.describe());
    }

    @Override
    public void invoke(Envelope value, Context context) throws Exception {
        sink.write(new SinkChunk(value.value, value.count, Completion.NONE));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // Nothing to restore: unacknowledged output is produced again by the replay.
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        long started = System.currentTimeMillis();
        while (!sink.drain(REPORT_MILLIS)) {
            LOG.warn("{}: checkpoint {} has waited {} s for sink scripts to acknowledge {} bytes of output; is a sink"
                            + " script (wallaroo.experimental.SinkExtension) running and connected to {}:{}? The job's"
                            + " checkpoints, and a stop with savepoint, wait for it (Flink's checkpoint timeout ends the wait)",
                    sink.describe(), context.getCheckpointId(), (System.currentTimeMillis() - started) / 1000,
                    sink.bufferedBytes(), host, port);
        }
    }

    @Override
    public void close() throws Exception {
        if (sink != null) {
            if (!sink.drain(5_000) && sink.bufferedBytes() > 0) {
                LOG.warn("{}: closing with {} bytes of output not acknowledged by a sink script", sink.describe(),
                        sink.bufferedBytes());
            }
            sink.close();
        }
    }
}
