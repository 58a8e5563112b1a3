package io.wallaroo.engine.snapshot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Snapshots in one directory: a chain of files per base, each delta holding only the entities that
 * changed since the snapshot before it.
 *
 * <p><b>Retention.</b> After writing snapshot K the store deletes every file that neither K nor the
 * snapshot before it needs, so the directory always holds two complete snapshots and at most two
 * chains. A chain is compacted into a new base (the merged entities, read back from disk) once it
 * has {@code maxDeltas} deltas or its deltas outweigh its base, so the directory stays bounded.
 *
 * <p><b>Failures.</b> A write that fails leaves the chain as it was; the entities it held are
 * kept and written with the next snapshot, so nothing dirty is forgotten.
 *
 * <p>Not thread-safe: one writer thread uses it.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{19})\\.wsnap");

    private final Path dir;
    private final int maxDeltas;
    private long lastId = -1;          // the newest complete snapshot, -1 when none
    private long previousId = -1;      // the one before it, kept as the fallback
    private long baseId = -1;
    private long nextId = 1;
    private long baseBytes;
    private long deltaBytes;
    private int deltas;
    private final Map<EntityKey, EntityBytes> unwritten = new LinkedHashMap<>();

    /** Identity of an entity across files: its state and its key's bytes. */
    private record EntityKey(String state, ByteBuffer key) {
        static EntityKey of(EntityBytes e) {
            return new EntityKey(e.state(), ByteBuffer.wrap(e.key()));
        }
    }

    /** A recovered snapshot with every entity merged, and what was skipped to get it. */
    public record Restored(long id, long createdMillis, Map<String, Map<String, Long>> positions,
                           List<EntityBytes> entities, List<String> skipped, List<String> uncommitted) {}

    /** What one write did. */
    public record Written(long id, boolean base, int entities, long bytes) {}

    private SnapshotStore(Path dir, int maxDeltas) {
        this.dir = dir;
        this.maxDeltas = maxDeltas;
    }

    /**
     * Opens (creating it if needed) a directory and checks that files can be written there, so a
     * wrong path fails at start rather than at the first snapshot.
     */
    public static SnapshotStore open(Path dir, int maxDeltas) throws IOException {
        try {
            Files.createDirectories(dir);
            Path probe = dir.resolve(".write-probe");
            Files.write(probe, new byte[]{1});
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write to resilience directory " + dir.toAbsolutePath() + " (" + e
                    + "); give --resilience-dir a directory this user can create and write, on a disk with free space", e);
        }
        return new SnapshotStore(dir, Math.max(1, maxDeltas));
    }

    public Path directory() {
        return dir;
    }

    /**
     * Finds the newest snapshot whose whole chain reads back intact. Newer files that are damaged
     * (or need a damaged file) are renamed to {@code *.corrupt} and listed in {@link Restored#skipped()}.
     *
     * @throws SnapshotMismatchException when that snapshot was written for another topology
     */
    public Optional<Restored> recover(String fingerprint) throws IOException, SnapshotMismatchException {
        return recover(fingerprint, Long.MAX_VALUE);
    }

    /**
     * As {@link #recover(String)}, but no snapshot newer than {@code newestCommitted} is used: with
     * exactly-once output, a snapshot whose output transaction never committed (a crash between
     * the file and the commit) must not be restored, or that epoch's output would be missing. Such
     * files are renamed to {@code *.uncommitted} (deleted after the next write) and listed in
     * {@link Restored#uncommitted()}; ids keep counting past them, so no name is reused.
     */
    public Optional<Restored> recover(String fingerprint, long newestCommitted) throws IOException, SnapshotMismatchException {
        TreeMap<Long, Path> files = list();
        for (Path tmp : listMatching("*.tmp")) {
            Files.deleteIfExists(tmp); // an interrupted write, never renamed: not a snapshot
        }
        nextId = files.isEmpty() ? 1 : files.lastKey() + 1;
        List<String> uncommitted = new ArrayList<>();
        for (Long id : List.copyOf(files.tailMap(newestCommitted, false).keySet())) {
            Path f = files.remove(id);
            uncommitted.add(f.getFileName() + " (its output transaction did not commit; the last committed snapshot is "
                    + newestCommitted + ")");
            Files.move(f, f.resolveSibling(f.getFileName() + ".uncommitted"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Map<Long, Snapshot> read = new HashMap<>();
        Map<Long, String> bad = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Long candidate : files.descendingKeySet()) {
            List<Snapshot> chain = chain(candidate, files, read, bad);
            if (chain == null) {
                String why = bad.containsKey(candidate) ? bad.get(candidate) : files.get(candidate).getFileName()
                        + " needs a file that is missing or damaged (" + firstBad(candidate, files, read, bad) + ")";
                skipped.add(why);
                Path f = files.get(candidate);
                Files.move(f, f.resolveSibling(f.getFileName() + ".corrupt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                continue;
            }
            Snapshot newest = chain.get(chain.size() - 1);
            if (!newest.fingerprint().equals(fingerprint)) {
                throw new SnapshotMismatchException(Fingerprint.describeDifference(newest.fingerprint(), fingerprint, dir));
            }
            Map<EntityKey, EntityBytes> merged = new LinkedHashMap<>();
            long chainBytes = 0;
            for (Snapshot s : chain) {
                for (EntityBytes e : s.entities()) {
                    merged.put(EntityKey.of(e), e);
                }
            }
            for (Snapshot s : chain) {
                long size = Files.size(files.get(s.id()));
                if (s.isBase()) {
                    baseBytes = size;
                } else {
                    chainBytes += size;
                }
            }
            lastId = newest.id();
            previousId = chain.size() > 1 ? chain.get(chain.size() - 2).id() : -1;
            baseId = newest.baseId();
            deltas = chain.size() - 1;
            deltaBytes = chainBytes;
            return Optional.of(new Restored(newest.id(), newest.createdMillis(), newest.positions(),
                    List.copyOf(merged.values()), List.copyOf(skipped), List.copyOf(uncommitted)));
        }
        if (!skipped.isEmpty()) {
            LOG.warn("no intact snapshot in {}: {}", dir, skipped);
        }
        if (!uncommitted.isEmpty()) {
            LOG.warn("no committed snapshot in {}; set aside: {}", dir, uncommitted);
        }
        return Optional.empty();
    }

    private String firstBad(long id, TreeMap<Long, Path> files, Map<Long, Snapshot> read, Map<Long, String> bad) {
        Snapshot s = read.get(id);
        while (s != null && !s.isBase()) {
            if (bad.containsKey(s.parentId())) {
                return bad.get(s.parentId());
            }
            if (!files.containsKey(s.parentId())) {
                return "snapshot " + s.parentId() + " is missing";
            }
            s = read.get(s.parentId());
        }
        return "unknown";
    }

    /** The files from the base up to {@code id}, or null when one of them is missing or damaged. */
    private List<Snapshot> chain(long id, TreeMap<Long, Path> files, Map<Long, Snapshot> read, Map<Long, String> bad)
            throws IOException {
        List<Snapshot> chain = new ArrayList<>();
        long at = id;
        while (true) {
            if (bad.containsKey(at) || !files.containsKey(at)) {
                return null;
            }
            Snapshot s = read.get(at);
            if (s == null) {
                try {
                    s = SnapshotFile.read(files.get(at));
                } catch (CorruptSnapshotException e) {
                    bad.put(at, e.getMessage());
                    return null;
                }
                read.put(at, s);
            }
            chain.add(s);
            if (s.isBase()) {
                Collections.reverse(chain);
                return chain;
            }
            at = s.parentId();
        }
    }

    /**
     * Writes a snapshot: the entities changed since the last one (plus any a failed write left
     * over) and every input's position. Compacts into a new base when the chain is long.
     *
     * @throws IOException when the file cannot be written; the entities are kept for the next try
     */
    public Written write(String fingerprint, Map<String, Map<String, Long>> positions, List<EntityBytes> changed)
            throws IOException {
        for (EntityBytes e : changed) {
            unwritten.put(EntityKey.of(e), e);
        }
        boolean base = lastId < 0 || deltas >= maxDeltas || deltaBytes > Math.max(baseBytes, 1 << 20);
        long id = nextId;
        List<EntityBytes> entities;
        if (base) {
            Map<EntityKey, EntityBytes> all = new LinkedHashMap<>();
            if (lastId >= 0) {
                for (Snapshot s : readChain(lastId)) {
                    for (EntityBytes e : s.entities()) {
                        all.put(EntityKey.of(e), e);
                    }
                }
            }
            all.putAll(unwritten);
            entities = List.copyOf(all.values());
        } else {
            entities = List.copyOf(unwritten.values());
        }
        Snapshot snapshot = new Snapshot(id, base ? id : baseId, base ? -1 : lastId, System.currentTimeMillis(),
                fingerprint, positions, entities);
        byte[] bytes = SnapshotFile.encode(snapshot);
        SnapshotFile.writeAtomically(dir, fileName(id), bytes);
        unwritten.clear();
        nextId = id + 1;
        previousId = lastId;
        lastId = id;
        if (base) {
            baseId = id;
            baseBytes = bytes.length;
            deltaBytes = 0;
            deltas = 0;
        } else {
            deltaBytes += bytes.length;
            deltas++;
        }
        prune();
        return new Written(id, base, entities.size(), bytes.length);
    }

    /** Keeps changed entities for the next write without writing now (a snapshot that was not kept). */
    public void defer(List<EntityBytes> changed) {
        for (EntityBytes e : changed) {
            unwritten.put(EntityKey.of(e), e);
        }
    }

    private List<Snapshot> readChain(long id) throws IOException {
        TreeMap<Long, Path> files = list();
        List<Snapshot> chain = chain(id, files, new HashMap<>(), new HashMap<>());
        if (chain == null) {
            throw new IOException("snapshot " + id + " in " + dir + " no longer reads back intact; cannot compact");
        }
        return chain;
    }

    /** Deletes every file that neither the newest nor the previous snapshot needs. */
    private void prune() throws IOException {
        TreeMap<Long, Path> files = list();
        java.util.Set<Long> keep = new java.util.HashSet<>();
        Map<Long, Snapshot> read = new HashMap<>();
        Map<Long, String> bad = new HashMap<>();
        for (long id : new long[]{lastId, previousId}) {
            if (id < 0) {
                continue;
            }
            List<Snapshot> chain = chain(id, files, read, bad);
            if (chain != null) {
                chain.forEach(s -> keep.add(s.id()));
            }
        }
        for (var entry : files.entrySet()) {
            if (!keep.contains(entry.getKey())) {
                Files.deleteIfExists(entry.getValue());
            }
        }
        for (Path corrupt : listMatching("*.corrupt")) {
            Files.deleteIfExists(corrupt); // named in the recovery log; gone once a newer snapshot is safe
        }
        for (Path uncommitted : listMatching("*.uncommitted")) {
            Files.deleteIfExists(uncommitted);
        }
    }

    private static String fileName(long id) {
        return String.format("snapshot-%019d.wsnap", id);
    }

    private TreeMap<Long, Path> list() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        for (Path p : listMatching("snapshot-*.wsnap")) {
            Matcher m = NAME.matcher(p.getFileName().toString());
            if (m.matches()) {
                files.put(Long.parseLong(m.group(1)), p);
            }
        }
        return files;
    }

    private List<Path> listMatching(String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(out::add);
        }
        return out;
    }
}
