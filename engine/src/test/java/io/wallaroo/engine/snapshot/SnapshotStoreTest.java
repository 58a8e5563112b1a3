package io.wallaroo.engine.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotStoreTest {
    private static final String FP = "application a\nstate s: class C, partitioned by f";

    private static EntityBytes entity(String key, String value) {
        return new EntityBytes("s", key.hashCode(), key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Map<String, Long>> at(long offset) {
        return Map.of("p", Map.of("0", offset));
    }

    private static Map<String, String> asMap(List<EntityBytes> entities) {
        Map<String, String> out = new HashMap<>();
        for (EntityBytes e : entities) {
            assertFalse(out.containsKey(new String(e.key(), StandardCharsets.UTF_8)), "one version per entity");
            out.put(new String(e.key(), StandardCharsets.UTF_8), new String(e.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<Path> snapshotFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".wsnap")).sorted().toList();
        }
    }

    @Test
    void deltasMergeAndRecoveryContinuesTheChain(@TempDir Path dir) throws Exception {
        SnapshotStore store = SnapshotStore.open(dir, 4);
        assertTrue(store.recover(FP).isEmpty());
        store.write(FP, at(10), List.of(entity("a", "1"), entity("b", "1")));
        store.write(FP, at(20), List.of(entity("a", "2")));
        store.write(FP, at(30), List.of(entity("c", "1")));

        SnapshotStore again = SnapshotStore.open(dir, 4);
        SnapshotStore.Restored r = again.recover(FP).orElseThrow();
        assertEquals(3, r.id());
        assertEquals(Map.of("a", "2", "b", "1", "c", "1"), asMap(r.entities()));
        assertEquals(30L, r.positions().get("p").get("0"));
        assertTrue(r.skipped().isEmpty());

        again.write(FP, at(40), List.of(entity("b", "9")));
        SnapshotStore.Restored r2 = SnapshotStore.open(dir, 4).recover(FP).orElseThrow();
        assertEquals(4, r2.id());
        assertEquals(Map.of("a", "2", "b", "9", "c", "1"), asMap(r2.entities()));
    }

    @Test
    void aCorruptOrTruncatedNewestFileFallsBackToThePreviousSnapshot(@TempDir Path dir) throws Exception {
        SnapshotStore store = SnapshotStore.open(dir, 8);
        store.write(FP, at(1), List.of(entity("a", "1")));
        store.write(FP, at(2), List.of(entity("a", "2")));
        store.write(FP, at(3), List.of(entity("a", "3")));
        List<Path> files = snapshotFiles(dir);
        Path newest = files.get(files.size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(f.read() ^ 0x5A);
        }
        SnapshotStore.Restored r = SnapshotStore.open(dir, 8).recover(FP).orElseThrow();
        assertEquals(2, r.id());
        assertEquals(Map.of("a", "2"), asMap(r.entities()));
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().get(0).contains("checksum"), r.skipped().get(0));
        assertTrue(Files.exists(Path.of(newest + ".corrupt")), "the damaged file is kept aside for inspection");

        // truncate what is now the newest: recovery goes one further back
        Path second = snapshotFiles(dir).get(snapshotFiles(dir).size() - 1);
        byte[] bytes = Files.readAllBytes(second);
        Files.write(second, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        SnapshotStore.Restored r1 = SnapshotStore.open(dir, 8).recover(FP).orElseThrow();
        assertEquals(1, r1.id());
        assertEquals(Map.of("a", "1"), asMap(r1.entities()));
    }

    /**
     * Exactly-once output: a snapshot newer than the last committed one (a crash between its file
     * and its commit) is set aside; the store goes on from the committed one, the next file's
     * parent is the committed one and the set-aside entities never come back. Also when the
     * uncommitted file began a new chain (a compaction).
     */
    @Test
    void aSnapshotNewerThanTheLastCommittedOneIsSetAsideAndTheChainGoesOnFromTheCommittedOne(@TempDir Path dir) throws Exception {
        SnapshotStore store = SnapshotStore.open(dir, 2);
        store.write(FP, at(1), List.of(entity("a", "1"), entity("b", "1"))); // 1: base
        store.write(FP, at(2), List.of(entity("a", "2")));                   // 2: delta
        store.write(FP, at(3), List.of(entity("b", "3")));                   // 3: delta, not committed

        SnapshotStore again = SnapshotStore.open(dir, 2);
        SnapshotStore.Restored r = again.recover(FP, 2).orElseThrow();
        assertEquals(2, r.id());
        assertEquals(Map.of("a", "2", "b", "1"), asMap(r.entities()));
        assertEquals(2L, r.positions().get("p").get("0"));
        assertEquals(1, r.uncommitted().size());
        assertTrue(r.uncommitted().get(0).contains("snapshot-0000000000000000003.wsnap"), r.uncommitted().get(0));
        assertTrue(r.skipped().isEmpty());
        assertTrue(Files.exists(dir.resolve("snapshot-0000000000000000003.wsnap.uncommitted")));

        SnapshotStore.Written w = again.write(FP, at(4), List.of(entity("c", "4")));
        assertEquals(4, w.id(), "ids go on past the set-aside one");
        assertFalse(Files.exists(dir.resolve("snapshot-0000000000000000003.wsnap.uncommitted")), "deleted after the next write");
        SnapshotStore.Restored r4 = SnapshotStore.open(dir, 2).recover(FP, 4).orElseThrow();
        assertEquals(4, r4.id());
        assertEquals(Map.of("a", "2", "b", "1", "c", "4"), asMap(r4.entities()), "b=3 of the set-aside snapshot is gone");

        // The uncommitted snapshot is a compaction (a new base): the previous chain is still there.
        SnapshotStore s3 = SnapshotStore.open(dir, 2);
        s3.recover(FP, 4);
        s3.write(FP, at(5), List.of(entity("a", "5")));  // 5: base (chain 1,2,4 had 2 deltas), not committed
        SnapshotStore.Restored back = SnapshotStore.open(dir, 2).recover(FP, 4).orElseThrow();
        assertEquals(4, back.id());
        assertEquals(Map.of("a", "2", "b", "1", "c", "4"), asMap(back.entities()));
        SnapshotStore s4 = SnapshotStore.open(dir, 2);
        s4.recover(FP, 4);
        s4.write(FP, at(6), List.of(entity("d", "6")));
        assertEquals(Map.of("a", "2", "b", "1", "c", "4", "d", "6"), asMap(SnapshotStore.open(dir, 2).recover(FP, 6).orElseThrow().entities()));

        // Nothing committed at or below the bound: a fresh start, the newer files set aside.
        assertTrue(SnapshotStore.open(dir, 2).recover(FP, 0).isEmpty());
    }

    @Test
    void anotherTopologyIsRefusedNamingTheDifference(@TempDir Path dir) throws Exception {
        SnapshotStore.open(dir, 4).write(FP, at(1), List.of(entity("a", "1")));
        SnapshotMismatchException e = assertThrows(SnapshotMismatchException.class,
                () -> SnapshotStore.open(dir, 4).recover("application a\nstate s: class D, partitioned by f"));
        assertTrue(e.getMessage().contains("snapshot has:  state s: class C"), e.getMessage());
        assertTrue(e.getMessage().contains("this run has:  state s: class D"), e.getMessage());
        assertTrue(e.getMessage().contains("delete or rename"), e.getMessage());
    }

    @Test
    void theDirectoryStaysBoundedAndCompactionKeepsEveryEntity(@TempDir Path dir) throws Exception {
        SnapshotStore store = SnapshotStore.open(dir, 4);
        Map<String, String> expected = new HashMap<>();
        int most = 0;
        for (int i = 0; i < 200; i++) {
            List<EntityBytes> changed = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                String key = "k" + ((i * 7 + k) % 50);
                changed.add(entity(key, Integer.toString(i)));
                expected.put(key, Integer.toString(i));
            }
            store.write(FP, at(i), changed);
            most = Math.max(most, snapshotFiles(dir).size());
        }
        assertTrue(most <= 2 * (4 + 1), "at most two chains of a base and 4 deltas, saw " + most);
        SnapshotStore.Restored r = SnapshotStore.open(dir, 4).recover(FP).orElseThrow();
        assertEquals(200, r.id());
        assertEquals(expected, asMap(r.entities()));
    }

    @Test
    void aFailedWriteKeepsItsEntitiesForTheNextOne(@TempDir Path dir) throws Exception {
        Path sub = dir.resolve("state");
        SnapshotStore store = SnapshotStore.open(sub, 4);
        store.write(FP, at(1), List.of(entity("a", "1")));
        Path moved = dir.resolve("away");
        Files.move(sub, moved);
        assertThrows(IOException.class, () -> store.write(FP, at(2), List.of(entity("b", "1"))));
        Files.move(moved, sub);
        store.write(FP, at(3), List.of(entity("c", "1")));
        SnapshotStore.Restored r = SnapshotStore.open(sub, 4).recover(FP).orElseThrow();
        assertEquals(Map.of("a", "1", "b", "1", "c", "1"), asMap(r.entities()));
    }

    @Test
    void anUnwritableDirectoryFailsAtOpenWithTheFix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> SnapshotStore.open(file.resolve("state"), 4));
        assertTrue(e.getMessage().contains("cannot write to resilience directory"), e.getMessage());
        assertTrue(e.getMessage().contains("--resilience-dir"), e.getMessage());
    }
}
