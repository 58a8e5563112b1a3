package io.wallaroo.flink.connect;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The one split of an extension source: its server, with the highest sequence that went into the
 * job for each stream partition (a position name, as the engine's SequenceTracker writes it). The
 * reader's checkpoint is this split with the sequences it had emitted when the barrier passed, so
 * a restored server tells reconnecting scripts (RESUME) exactly what the restored state holds.
 */
public record ExtensionSplit(Map<String, Long> positions) implements SourceSplit {
    public ExtensionSplit {
        positions = Map.copyOf(positions);
    }

    static ExtensionSplit fresh() {
        return new ExtensionSplit(Map.of());
    }

    @Override
    public String splitId() {
        return "extension-server";
    }

    /** Version 1: the number of positions, then each name and sequence. */
    static final class Serializer implements SimpleVersionedSerializer<ExtensionSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ExtensionSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(16 + 32 * split.positions().size());
            out.writeInt(split.positions().size());
            for (Map.Entry<String, Long> position : split.positions().entrySet()) {
                out.writeUTF(position.getKey());
                out.writeLong(position.getValue());
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public ExtensionSplit deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("an extension source split of version " + version + " (this build reads version 1)");
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int count = in.readInt();
            Map<String, Long> positions = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                positions.put(in.readUTF(), in.readLong());
            }
            return new ExtensionSplit(positions);
        }
    }
}
