package io.wallaroo.engine.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The on-disk layout of one snapshot (all integers big-endian):
 * <pre>
 * "WSNP" uint32 version(1)
 * int64 id, int64 baseId, int64 parentId, int64 createdMillis, UTF fingerprint
 * int32 pipelines, per pipeline: UTF name, int32 n, n x (UTF input, int64 position)
 * int32 entities, per entity: UTF state, int64 keyHash, int32 n, key, int32 m, value
 * int64 CRC-32 of every byte above, "PNSW"
 * </pre>
 * A file is written to a temporary name, forced to disk, then renamed, so a crash leaves either
 * the whole file or none under its final name; the checksum catches torn or damaged files anyway.
 */
final class SnapshotFile {
    private static final int MAGIC = 0x57534E50;       // "WSNP"
    private static final int END = 0x504E5357;         // "PNSW"
    private static final int VERSION = 1;

    private SnapshotFile() {}

    static byte[] encode(Snapshot s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024 + s.entities().size() * 48);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(s.id());
            out.writeLong(s.baseId());
            out.writeLong(s.parentId());
            out.writeLong(s.createdMillis());
            out.writeUTF(s.fingerprint());
            out.writeInt(s.positions().size());
            for (var pipeline : s.positions().entrySet()) {
                out.writeUTF(pipeline.getKey());
                out.writeInt(pipeline.getValue().size());
                for (var input : pipeline.getValue().entrySet()) {
                    out.writeUTF(input.getKey());
                    out.writeLong(input.getValue());
                }
            }
            out.writeInt(s.entities().size());
            for (EntityBytes e : s.entities()) {
                out.writeUTF(e.state());
                out.writeLong(e.keyHash());
                out.writeInt(e.key().length);
                out.write(e.key());
                out.writeInt(e.value().length);
                out.write(e.value());
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.writeInt(END);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** Reads and checks a whole file; a damaged or truncated one is a {@link CorruptSnapshotException}. */
    static Snapshot read(Path file) throws IOException, CorruptSnapshotException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 8 + 12) {
            throw new CorruptSnapshotException(file + " is truncated (" + all.length + " bytes)");
        }
        ByteBuffer tail = ByteBuffer.wrap(all, all.length - 12, 12);
        long stored = tail.getLong();
        int end = tail.getInt();
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 12);
        if (end != END || stored != crc.getValue()) {
            throw new CorruptSnapshotException(file + " fails its checksum (torn write or damaged file)");
        }
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 12));
            if (in.readInt() != MAGIC) {
                throw new CorruptSnapshotException(file + " is not a wallaroo snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CorruptSnapshotException(file + " has format version " + version + ", this engine reads " + VERSION);
            }
            long id = in.readLong();
            long baseId = in.readLong();
            long parentId = in.readLong();
            long created = in.readLong();
            String fingerprint = in.readUTF();
            int pipelines = in.readInt();
            Map<String, Map<String, Long>> positions = new LinkedHashMap<>();
            for (int p = 0; p < pipelines; p++) {
                String name = in.readUTF();
                int n = in.readInt();
                Map<String, Long> inputs = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    inputs.put(in.readUTF(), in.readLong());
                }
                positions.put(name, inputs);
            }
            int count = in.readInt();
            List<EntityBytes> entities = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String state = in.readUTF();
                long hash = in.readLong();
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                entities.add(new EntityBytes(state, hash, key, value));
            }
            return new Snapshot(id, baseId, parentId, created, fingerprint, positions, entities);
        } catch (IOException | RuntimeException e) {
            throw new CorruptSnapshotException(file + " cannot be parsed: " + e);
        }
    }

    /** Write, force, rename, force the directory: the file appears whole or not at all. */
    static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
    }

    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the rename is still atomic.
        }
    }
}
