package io.wallaroo.flink.connect;

import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.List;

/**
 * The local engine's TCP server as a Flink source of parallelism 1 ({@link TcpServerReader}).
 * Unlike a legacy source function, which emits from a thread of its own, its reader runs on its
 * task's thread, so the entry operator can be chained to it when the pipeline enters on one task:
 * frames reach Python without crossing a Flink channel. There is nothing to split or to
 * checkpoint (TCP input cannot be replayed), so the enumerator hands out no splits.
 */
public record TcpServerSource(String host, int port, int headerLength, String lengthFormat, int maxFrameBytes,
                              int batchMessages) implements Source<FrameChunk, TcpServerSource.NoSplit, Void> {
    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<FrameChunk, NoSplit> createReader(SourceReaderContext context) {
        return new TcpServerReader(host, port, headerLength, lengthFormat, maxFrameBytes, batchMessages);
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new NoSplits();
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new NoSplits();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new Nothing<>();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new Nothing<>();
    }

    /** The split type this source never makes. */
    public static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "none";
        }
    }

    private static final class NoSplits implements SplitEnumerator<NoSplit, Void> {
        @Override public void start() {}
        @Override public void handleSplitRequest(int subtask, String host) {}
        @Override public void addSplitsBack(List<NoSplit> splits, int subtask) {}
        @Override public void addReader(int subtask) {}
        @Override public Void snapshotState(long checkpointId) { return null; }
        @Override public void close() {}
    }

    /** Serializes nothing: there are no splits, and the enumerator's checkpoint is empty. */
    private static final class Nothing<T> implements SimpleVersionedSerializer<T> {
        @Override public int getVersion() { return 1; }
        @Override public byte[] serialize(T value) { return new byte[0]; }
        @Override public T deserialize(int version, byte[] bytes) { return null; }
    }
}
