package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.extension.ExtensionSink;
import io.wallaroo.flink.job.Envelope;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The local engine's sink extension server ({@link ExtensionSink}: the wire protocol, sharing
 * among several scripts, resending what a departed script did not acknowledge) as a
 * single-parallelism Flink sink that sink scripts connect to at the same address.
 *
 * <p>At least once across failures: each checkpoint holds the output not yet acknowledged by a
 * sink script (sent or waiting for one), and a restored sink sends that first. Output written
 * after the checkpoint's barrier is produced again by the replay. So checkpoints never wait for
 * a script; a script that never connects only fills the buffer, after which the pipeline is held
 * (back-pressure) and the wait is logged every few seconds with the address scripts should use.
 */
public final class ExtensionSinkFunction extends RichSinkFunction<Envelope> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionSinkFunction.class);
    private static final long BUFFER_BYTES = 32L << 20;
    private static final long REPORT_MILLIS = 10_000;

    private final String host;
    private final int port;
    private final int sinkId;
    private transient ExtensionSink sink;
    private transient ListState<byte[]> checkpointed;
    private transient List<byte[]> restored;

    public ExtensionSinkFunction(String host, int port, int sinkId) {
        this.host = host;
        this.port = port;
        this.sinkId = sinkId;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("wallaroo-extension-sink-unacknowledged", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        restored = new ArrayList<>();
        if (context.isRestored()) {
            checkpointed.get().forEach(restored::add);
        }
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) throws Exception {
        sink = new ExtensionSink(host, port, BUFFER_BYTES, sinkId);
        try {
            sink.start();
        } catch (IllegalStateException e) {
            throw BindFailure.of(getRuntimeContext(), e);
        }
        LOG.info("{} listens for sink scripts{}", sink.describe(), restored.isEmpty() ? ""
                : "; " + restored.size() + " chunk(s) of output restored unacknowledged go first");
        for (byte[] chunk : restored) {
            sink.write(new SinkChunk(chunk, 0, Completion.NONE));
        }
        restored = null;
    }

    @Override
    public void invoke(Envelope value, Context context) throws Exception {
        awaitRoom();
        sink.write(new SinkChunk(value.value, value.count, Completion.NONE));
    }

    /** Holds the pipeline while the buffer is full, saying so (the sink alone would wait silently). */
    private void awaitRoom() throws InterruptedException {
        if (sink.bufferedBytes() < BUFFER_BYTES) {
            return;
        }
        long started = System.currentTimeMillis();
        long reported = started;
        while (sink.bufferedBytes() >= BUFFER_BYTES) {
            long now = System.currentTimeMillis();
            if (now - reported >= REPORT_MILLIS) {
                reported = now;
                LOG.warn("{}: the pipeline has waited {} s for sink scripts: {} bytes of output are not acknowledged;"
                                + " is a sink script (wallaroo.experimental.SinkExtension) running and connected to {}:{}?",
                        sink.describe(), (now - started) / 1000, sink.bufferedBytes(), host, port);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        // A script that keeps up usually acknowledges within moments: a short wait keeps the
        // checkpoint (and the output sent again after a restore) small.
        if (sink.bufferedBytes() > 0) {
            sink.drain(200);
        }
        checkpointed.update(sink.unacknowledged());
    }

    @Override
    public void close() throws Exception {
        if (sink != null) {
            if (!sink.drain(1_000) && sink.bufferedBytes() > 0) {
                LOG.warn("{}: closing with {} bytes of output not acknowledged by a sink script (kept in the last"
                        + " checkpoint, sent again after a restore)", sink.describe(), sink.bufferedBytes());
            }
            sink.close();
        }
    }
}
