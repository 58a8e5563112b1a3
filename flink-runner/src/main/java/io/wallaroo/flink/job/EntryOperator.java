package io.wallaroo.flink.job;

import io.wallaroo.flink.python.AppBundle;
import io.wallaroo.python.FrameArguments;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Where a pipeline's raw messages enter Python: decodes them and runs the steps up to its first state. */
public final class EntryOperator extends PythonOperator<FrameChunk> {
    private final int pipeline;

    private transient byte[] data;
    private transient int size;
    private transient int[] lengths;
    private transient int count;

    public EntryOperator(AppBundle bundle, List<String> sinkFormats, int pipeline, int batchSize, long flushMillis,
                         int keyGroups, String runnerName, List<String> inlineStates) {
        super(bundle, sinkFormats, batchSize, flushMillis, keyGroups, runnerName, inlineStates);
        this.pipeline = pipeline;
    }

    @Override
    public void open() throws Exception {
        super.open();
        data = new byte[64 * 1024];
        lengths = new int[Math.max(16, batchSize)];
    }

    @Override
    public void processElement(StreamRecord<FrameChunk> element) throws Exception {
        FrameChunk chunk = element.getValue();
        int n = chunk.lengths.length;
        if (size + chunk.data.length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + chunk.data.length));
        }
        System.arraycopy(chunk.data, 0, data, size, chunk.data.length);
        size += chunk.data.length;
        if (count + n > lengths.length) {
            lengths = Arrays.copyOf(lengths, Math.max(lengths.length * 2, count + n));
        }
        System.arraycopy(chunk.lengths, 0, lengths, count, n);
        count += n;
        afterAdd(n);
    }

    @Override
    protected int buffered() {
        return count;
    }

    @Override
    protected Value runBuffered() {
        String text = new String(data, 0, size, StandardCharsets.ISO_8859_1);
        Object[] args = FrameArguments.of(pipeline, text, lengths, count);
        size = 0;
        count = 0;
        return python.runner().invokeMember("frames_spread", args);
    }
}
