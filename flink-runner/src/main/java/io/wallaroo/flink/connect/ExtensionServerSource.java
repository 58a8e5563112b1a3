package io.wallaroo.flink.connect;

import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The local engine's source extension server as a Flink source of parallelism 1
 * ({@link ExtensionServerReader}). Its reader runs on its task's thread, so the entry operator
 * can be chained to it when the pipeline enters on one task. The job has one split,
 * {@link ExtensionSplit}: the enumerator hands it to the reader once, and from then on it lives
 * in the reader's checkpoints with the sequences the job holds. {@code groups}: over how many
 * entry tasks one stream's partitions are spread.
 */
public record ExtensionServerSource(String host, int port, String pipelineName, int groups, int maxFrameBytes,
                                    int batchMessages) implements Source<FrameChunk, ExtensionSplit, ExtensionSplit> {
    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<FrameChunk, ExtensionSplit> createReader(SourceReaderContext context) {
        return new ExtensionServerReader(host, port, pipelineName, new InletQueue(groups, maxFrameBytes, batchMessages));
    }

    @Override
    public SplitEnumerator<ExtensionSplit, ExtensionSplit> createEnumerator(SplitEnumeratorContext<ExtensionSplit> context) {
        return new OneSplit(context, ExtensionSplit.fresh());
    }

    /** {@code pending}: the split if the reader did not have it yet at the checkpoint, else null. */
    @Override
    public SplitEnumerator<ExtensionSplit, ExtensionSplit> restoreEnumerator(SplitEnumeratorContext<ExtensionSplit> context,
                                                                             ExtensionSplit pending) {
        return new OneSplit(context, pending);
    }

    @Override
    public SimpleVersionedSerializer<ExtensionSplit> getSplitSerializer() {
        return new ExtensionSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<ExtensionSplit> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /** Hands the one split to the reader when it registers, and again if it comes back after a failure. */
    private static final class OneSplit implements SplitEnumerator<ExtensionSplit, ExtensionSplit> {
        private final SplitEnumeratorContext<ExtensionSplit> context;
        private ExtensionSplit pending;

        OneSplit(SplitEnumeratorContext<ExtensionSplit> context, ExtensionSplit pending) {
            this.context = context;
            this.pending = pending;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<ExtensionSplit> splits, int subtask) {
            if (!splits.isEmpty()) {
                pending = splits.get(0);
            }
        }

        @Override
        public void addReader(int subtask) {
            if (pending != null) {
                context.assignSplit(pending, subtask);
                pending = null;
            }
        }

        @Override
        public ExtensionSplit snapshotState(long checkpointId) {
            return pending;
        }

        @Override
        public void close() {}
    }

    /** The enumerator's checkpoint: a flag, then the pending split if there is one. */
    private static final class PendingSerializer implements SimpleVersionedSerializer<ExtensionSplit> {
        private final ExtensionSplit.Serializer splits = new ExtensionSplit.Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ExtensionSplit pending) throws IOException {
            if (pending == null) {
                return new byte[] {0};
            }
            byte[] split = splits.serialize(pending);
            byte[] out = new byte[split.length + 1];
            out[0] = 1;
            System.arraycopy(split, 0, out, 1, split.length);
            return out;
        }

        @Override
        public ExtensionSplit deserialize(int version, byte[] bytes) throws IOException {
            if (bytes.length == 0 || bytes[0] == 0) {
                return null;
            }
            return splits.deserialize(splits.getVersion(), Arrays.copyOfRange(bytes, 1, bytes.length));
        }
    }
}
