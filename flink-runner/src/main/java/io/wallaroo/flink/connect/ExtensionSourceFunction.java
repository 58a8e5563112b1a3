package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.extension.ExtensionSource;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.source.legacy.RichSourceFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local engine's source extension server ({@link ExtensionSource}: the wire protocol, hello
 * checks, per-partition order across reconnections, deduplication by sequence, back-pressure) as
 * a single-parallelism Flink source that source scripts connect to at the same address.
 *
 * <p>The highest sequence per (stream, partition) that went into the job is Flink operator state:
 * it is updated with each emitted batch under the checkpoint lock, so a checkpoint holds exactly
 * the sequences whose messages its state reflects. After a restore the server starts from those
 * sequences: a reconnecting script gets them in its RESUME frame and resends from there, and
 * whatever it resends at or below them is dropped. Together with Flink's replay this gives each
 * sequenced message exactly one effect on state.
 */
public final class ExtensionSourceFunction extends RichSourceFunction<FrameChunk> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionSourceFunction.class);

    private final String host;
    private final int port;
    private final String pipelineName;
    private final int groups;
    private final int maxFrameBytes;
    private final int batchMessages;

    private volatile boolean running = true;
    private transient ListState<Tuple2<String, Long>> checkpointed;
    /** Position name (see the engine's SequenceTracker) to the highest sequence emitted; guarded by the checkpoint lock. */
    private transient Map<String, Long> emitted;

    /** {@code groups}: over how many entry tasks one stream's partitions are spread. */
    public ExtensionSourceFunction(String host, int port, String pipelineName, int groups, int maxFrameBytes, int batchMessages) {
        this.host = host;
        this.port = port;
        this.pipelineName = pipelineName;
        this.groups = groups;
        this.maxFrameBytes = maxFrameBytes;
        this.batchMessages = batchMessages;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("wallaroo-extension-sequences", Types.TUPLE(Types.STRING, Types.LONG)));
        emitted = new HashMap<>();
        if (context.isRestored()) {
            for (Tuple2<String, Long> position : checkpointed.get()) {
                emitted.merge(position.f0, position.f1, Math::max);
            }
            LOG.info("source extension of pipeline '{}': restored the last sequence of {} stream partition(s); "
                    + "reconnecting scripts get them in RESUME", pipelineName, emitted.size());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<String, Long>> positions = new ArrayList<>(emitted.size());
        emitted.forEach((name, sequence) -> positions.add(Tuple2.of(name, sequence)));
        checkpointed.update(positions);
    }

    @Override
    public void run(SourceContext<FrameChunk> ctx) throws Exception {
        InletQueue inlets = new InletQueue(groups, maxFrameBytes, batchMessages);
        ExtensionSource server = new ExtensionSource(host, port, pipelineName);
        synchronized (ctx.getCheckpointLock()) {
            server.restore(new HashMap<>(emitted));
        }
        try {
            server.start(inlets);
        } catch (IllegalStateException e) {
            throw BindFailure.of(getRuntimeContext(), e);
        }
        LOG.info("source extension of pipeline '{}' listens for source scripts on {}:{}", pipelineName, host, server.boundPort());
        try {
            while (running) {
                InletQueue.Item item = inlets.poll(100);
                if (item != null) {
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(item.chunk());
                        if (item.positionsAfter() != null) {
                            item.positionsAfter().forEach((name, sequence) -> emitted.merge(name, sequence, Math::max));
                        }
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
