package io.wallaroo.flink.job;

import io.wallaroo.flink.python.AppBundle;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.graalvm.polyglot.Value;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * One named state: a keyed operator fed by every step that uses it (of any pipeline). A record is
 * one batch's messages for one key group (keyed by {@link KeyGroupKeys}); buffered records reach
 * Python in one call. Entities live in the Python context between calls; Flink's keyed state
 * holds their bytes, per key group a map from entity key bytes to entity bytes, written for every
 * entity saved since the last checkpoint just before the barrier, and read the first time this
 * instance meets a key group (after a restore or a rescale).
 */
public final class StateOperator extends PythonOperator<Envelope> {
    /** A state call takes this many entry batches' worth of messages before the timer fires. */
    private static final int BATCHES_PER_CALL = 8;

    private final String stateName;
    private final KeyGroupKeys groupKeys;
    private final boolean inline;

    private transient MapState<String, byte[]> entities;
    private transient BitSet known;
    private transient StringBuilder crossings;
    private transient ByteArrayOutputStream preloads;
    private transient DataOutputStream preloadOut;
    private transient int count;

    /**
     * @param inline whether the state's steps run in the runner of the operator this one is
     *               chained to (JobTranslator's layout: parallelism 1, so this task owns every key
     *               group); its messages then never reach this operator
     */
    public StateOperator(AppBundle bundle, List<String> sinkFormats, String stateName, int batchSize, long flushMillis,
                         int keyGroups, String runnerName, List<String> inlineStates, boolean inline) {
        super(bundle, sinkFormats, batchSize, flushMillis, keyGroups, runnerName, inlineStates);
        this.stateName = stateName;
        this.groupKeys = new KeyGroupKeys(keyGroups);
        this.inline = inline;
    }

    @Override
    public void open() throws Exception {
        super.open();
        entities = getPartitionedState(new MapStateDescriptor<>("entities:" + stateName,
                BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        known = new BitSet(keyGroups);
        crossings = new StringBuilder(64 * 1024);
        preloads = new ByteArrayOutputStream();
        preloadOut = new DataOutputStream(preloads);
        if (inline) {
            // No record will say which key groups come up: load them all now (this one task owns
            // them all), before the producer's first batch runs the state's steps.
            Object before = getCurrentKey();
            for (int group = 0; group < keyGroups; group++) {
                setCurrentKey(groupKeys.key(group));
                preload(group);
            }
            if (before != null) {
                setCurrentKey(before);
            }
            if (preloads.size() > 0) {
                python.runner().invokeMember("preload", stateName, preloads.toString(StandardCharsets.ISO_8859_1));
                preloads.reset();
            }
        }
    }

    /** Queues the bytes of the current key group's entities for the next Python call. */
    private void preload(int group) throws Exception {
        known.set(group);
        // The current key is the key group's, so the map is this key group's entities.
        for (Map.Entry<String, byte[]> entity : entities.entries()) {
            byte[] key = entity.getKey().getBytes(StandardCharsets.ISO_8859_1);
            preloadOut.writeInt(key.length);
            preloadOut.write(key);
            preloadOut.writeInt(entity.getValue().length);
            preloadOut.write(entity.getValue());
        }
    }

    @Override
    public void processElement(StreamRecord<Envelope> element) throws Exception {
        Envelope e = element.getValue();
        if (!known.get(e.group)) {
            preload(e.group);
        }
        crossings.append(e.text);
        count += e.count;
        afterAdd(e.count);
    }

    @Override
    protected int buffered() {
        return count;
    }

    @Override
    protected int batchThreshold() {
        return batchSize * BATCHES_PER_CALL;
    }

    @Override
    protected Value runBuffered() {
        String in = crossings.toString();
        String pre = preloads.size() == 0 ? "" : preloads.toString(StandardCharsets.ISO_8859_1);
        crossings.setLength(0);
        preloads.reset();
        count = 0;
        return python.runner().invokeMember("keyed", stateName, in, pre);
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

    /** Writes every entity saved since the last checkpoint into its key group's map. */
    private void saveDirty() throws Exception {
        if (python == null) {
            return;
        }
        // Only this state's: the runner may run other states inline, which save their own.
        Value dirty = python.runner().invokeMember("take_dirty", stateName);
        ByteBuffer in = ByteBuffer.wrap(dirty.as(byte[].class));
        Object before = getCurrentKey();
        while (in.hasRemaining()) {
            int group = in.getInt();
            String key = new String(block(in), StandardCharsets.ISO_8859_1);
            byte[] entity = block(in);
            setCurrentKey(groupKeys.key(group));
            entities.put(key, entity);
        }
        if (before != null) {
            setCurrentKey(before);
        }
    }
}
