package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.extension.ExtensionSource;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the local engine's source extension server ({@link ExtensionSource}: the wire protocol,
 * hello checks, per-partition order across reconnections, deduplication by sequence,
 * back-pressure) on its task's thread, and emits each frame batch as one record tagged with its
 * inlet.
 *
 * <p>The server starts once the reader has both been started and been given its split, in either
 * order (a restored reader gets its split first, a new one from the enumerator after it starts),
 * so that it listens already knowing the restored sequences. The highest sequence emitted per
 * stream partition is kept on the task's thread with each emitted batch, so the split a
 * checkpoint takes holds exactly the sequences whose messages its state reflects. After a restore
 * a reconnecting script gets them in its RESUME frame and resends from there, and whatever it
 * resends at or below them is dropped: with Flink's replay, each sequenced message has exactly one
 * effect on state.
 */
final class ExtensionServerReader implements SourceReader<FrameChunk, ExtensionSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionServerReader.class);

    private final String host;
    private final int port;
    private final String pipelineName;
    private final InletQueue inlets;
    private final Map<String, Long> emitted = new HashMap<>();
    private boolean started;
    private boolean hasSplit;
    private ExtensionSource server;

    ExtensionServerReader(String host, int port, String pipelineName, InletQueue inlets) {
        this.host = host;
        this.port = port;
        this.pipelineName = pipelineName;
        this.inlets = inlets;
    }

    @Override
    public void start() {
        started = true;
        startServerWhenReady();
    }

    @Override
    public void addSplits(List<ExtensionSplit> splits) {
        for (ExtensionSplit split : splits) {
            split.positions().forEach((name, sequence) -> emitted.merge(name, sequence, Math::max));
            hasSplit = true;
        }
        if (!emitted.isEmpty()) {
            LOG.info("source extension of pipeline '{}': restored the last sequence of {} stream partition(s); "
                    + "reconnecting scripts get them in RESUME", pipelineName, emitted.size());
        }
        startServerWhenReady();
    }

    private void startServerWhenReady() {
        if (!started || !hasSplit || server != null) {
            return;
        }
        Map<String, Long> restored = new HashMap<>(emitted);
        server = ServerStart.listening(host, port, () -> {
            ExtensionSource candidate = new ExtensionSource(host, port, pipelineName);
            candidate.restore(restored);
            return candidate;
        }, inlets, "source extension of pipeline '" + pipelineName + "'");
        LOG.info("source extension of pipeline '{}' listens for source scripts on {}:{}", pipelineName, host, server.boundPort());
    }

    @Override
    public InputStatus pollNext(ReaderOutput<FrameChunk> output) throws Exception {
        InletQueue.Item item = inlets.emitNext(output);
        if (item == null) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        if (item.positionsAfter() != null) {
            item.positionsAfter().forEach((name, sequence) -> emitted.merge(name, sequence, Math::max));
        }
        return InputStatus.MORE_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return inlets.available();
    }

    /** The split with what has gone into the job so far; nothing before the enumerator handed it over. */
    @Override
    public List<ExtensionSplit> snapshotState(long checkpointId) {
        return hasSplit ? List.of(new ExtensionSplit(emitted)) : List.of();
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() {
        ServerStart.close(server, host, port);
    }
}
