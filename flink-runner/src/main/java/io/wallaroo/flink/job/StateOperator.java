package io.wallaroo.flink.job;

import io.wallaroo.flink.python.AppBundle;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.graalvm.polyglot.Value;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One named state: a keyed operator fed by every step that uses it (of any pipeline). Entities
 * live in the Python context between batches; Flink's keyed state holds their bytes, written
 * for every entity saved since the last checkpoint just before the barrier, and read the first
 * time this instance sees a key (after a restore or a rescale).
 */
public final class StateOperator extends PythonOperator<Envelope> {
    private final String stateName;

    private transient ValueState<byte[]> entities;
    private transient Set<PartitionKey> known;
    private transient ByteArrayOutputStream batch;
    private transient DataOutputStream batchOut;
    private transient ByteArrayOutputStream preloads;
    private transient DataOutputStream preloadOut;
    private transient int count;

    public StateOperator(AppBundle bundle, List<String> sinkFormats, String stateName, int batchSize, long flushMillis) {
        super(bundle, sinkFormats, batchSize, flushMillis);
        this.stateName = stateName;
    }

    @Override
    public void open() throws Exception {
        super.open();
        entities = getPartitionedState(new ValueStateDescriptor<>("entity:" + stateName, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        known = new HashSet<>();
        batch = new ByteArrayOutputStream(64 * 1024);
        batchOut = new DataOutputStream(batch);
        preloads = new ByteArrayOutputStream();
        preloadOut = new DataOutputStream(preloads);
    }

    @Override
    public void processElement(StreamRecord<Envelope> element) throws Exception {
        Envelope e = element.getValue();
        PartitionKey key = e.partitionKey();
        if (known.add(key)) {
            byte[] stored = entities.value(); // the current key is this record's: Flink set it
            if (stored != null) {
                writeEntity(preloadOut, e.target, key, stored);
            }
        }
        batchOut.writeInt(e.target);
        batchOut.writeInt(e.key.length);
        batchOut.write(e.key);
        batchOut.writeInt(e.value.length);
        batchOut.write(e.value);
        count++;
        afterAdd(1);
    }

    private static void writeEntity(DataOutputStream out, int code, PartitionKey key, byte[] entity) throws IOException {
        out.writeInt(code);
        out.writeInt(key.hash);
        out.writeInt(key.bytes.length);
        out.write(key.bytes);
        out.writeInt(entity.length);
        out.write(entity);
    }

    @Override
    protected int buffered() {
        return count;
    }

    @Override
    protected Value runBuffered() {
        String in = batch.toString(StandardCharsets.ISO_8859_1);
        String pre = preloads.toString(StandardCharsets.ISO_8859_1);
        batch.reset();
        preloads.reset();
        count = 0;
        return python.runner().invokeMember("keyed", in, pre);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId); // flushes the buffer first
        saveDirty();
    }

    @Override
    public void finish() throws Exception {
        super.finish();
        saveDirty();
    }

    /** Writes every entity saved since the last checkpoint into Flink's keyed state. */
    private void saveDirty() throws Exception {
        if (python == null) {
            return;
        }
        Value dirty = python.runner().invokeMember("take_dirty");
        ByteBuffer in = ByteBuffer.wrap(dirty.as(byte[].class));
        Object before = getCurrentKey();
        while (in.hasRemaining()) {
            in.getInt(); // step code
            int hash = in.getInt();
            byte[] key = block(in);
            byte[] entity = block(in);
            setCurrentKey(new PartitionKey(hash, key));
            entities.update(entity);
        }
        if (before != null) {
            setCurrentKey(before);
        }
    }
}
