package io.wallaroo.engine.runtime;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.ConnectorFactory;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.FrameBatchBuilder;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.snapshot.EntityBytes;
import io.wallaroo.engine.snapshot.SnapshotStore;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cut across lanes without Python: keys are counted on the lane that owns them (messages for
 * other lanes are routed there), input comes from a replayable source. A copy of the directory
 * taken at a random moment of a run is what a crash at that moment leaves; an engine with another
 * lane count restores it, the source resumes from the copy's position, and every key's count
 * must come out exact.
 */
class SnapshotCoordinatorTest {
    private static final int MESSAGES = 20_000;
    private static final int KEYS = 37;

    private static String key(int i) {
        return "key-" + (i * 7919 % KEYS);
    }

    /** Counts messages per key on the key's owner lane; routes the others. */
    static final class CountingExecutor implements LaneExecutor {
        final int lane;
        final int lanes;
        final Map<String, Long> counts = new HashMap<>();
        final Set<String> dirty = new HashSet<>();

        CountingExecutor(int lane, int lanes) {
            this.lane = lane;
            this.lanes = lanes;
        }

        private void count(List<String> keys, LaneOutput out) {
            Map<Integer, List<String>> away = new HashMap<>();
            for (String k : keys) {
                int owner = Math.floorMod(k.hashCode(), lanes);
                if (owner == lane) {
                    counts.merge(k, 1L, Long::sum);
                    dirty.add(k);
                } else {
                    away.computeIfAbsent(owner, o -> new ArrayList<>()).add(k);
                }
            }
            away.forEach((owner, ks) -> out.route(owner, String.join("\n", ks), ks.size()));
        }

        @Override
        public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
            List<String> keys = new ArrayList<>();
            int at = 0;
            for (int i = 0; i < batch.count(); i++) {
                keys.add(new String(batch.data(), at, batch.lengths()[i], StandardCharsets.UTF_8));
                at += batch.lengths()[i];
            }
            count(keys, out);
        }

        @Override
        public void onRouted(RoutedBatch batch, LaneOutput out) {
            count(List.of(((String) batch.payload()).split("\n")), out);
        }

        @Override
        public List<EntityBytes> takeDirtyEntities(LaneOutput out) {
            List<EntityBytes> entities = new ArrayList<>();
            for (String k : dirty) {
                entities.add(new EntityBytes("counts", k.hashCode(), k.getBytes(StandardCharsets.UTF_8),
                        Long.toString(counts.get(k)).getBytes(StandardCharsets.UTF_8)));
            }
            dirty.clear();
            return entities;
        }

        @Override
        public void restoreEntities(List<EntityBytes> entities, LaneOutput out) {
            for (EntityBytes e : entities) {
                String k = new String(e.key(), StandardCharsets.UTF_8);
                assertEquals(lane, Math.floorMod(k.hashCode(), lanes), "restored on the lane that owns it");
                counts.put(k, Long.parseLong(new String(e.value(), StandardCharsets.UTF_8)));
            }
        }
    }

    /** Delivers message i = key(i) in small batches from a restored position, like a Kafka partition. */
    static final class ReplayableSource implements Source {
        volatile long next;
        volatile boolean done;
        private volatile boolean stop;
        private Thread thread;

        @Override
        public void restore(Map<String, Long> positions) {
            next = positions.getOrDefault("0", 0L);
        }

        @Override
        public void start(SourceContext context) {
            Inlet inlet = context.openInlet("test input", new FlowControl() {
                @Override public void pause() {}
                @Override public void resume() {}
            });
            thread = new Thread(() -> {
                while (!stop && next < MESSAGES) {
                    FrameBatchBuilder builder = new FrameBatchBuilder(1024, 16);
                    long end = Math.min(MESSAGES, next + 16);
                    for (long i = next; i < end; i++) {
                        byte[] k = key((int) i).getBytes(StandardCharsets.UTF_8);
                        builder.add(k, 0, k.length);
                    }
                    inlet.deliver(builder.take(Completion.NONE), Map.of("0", end));
                    next = end;
                    if (end % 128 == 0) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                done = next >= MESSAGES;
                inlet.close();
            });
            thread.start();
        }

        @Override
        public String describe() {
            return "replayable test source";
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Application app() {
        Pipeline p = new Pipeline(0, "count", new SourceSpec.Tcp("127.0.0.1", 0, null),
                List.of(new Step.Stateful("count", false, "counts")), List.<SinkSpec>of());
        return new Application("counting", List.of(p),
                Map.of("counts", new StateDefinition("counts", "Counter", new StateDefinition.Keyed("by_key", false, -1))));
    }

    private record Run(StreamEngine engine, ReplayableSource source, List<CountingExecutor> executors) {}

    private static Run start(Path dir, int lanes, Duration interval) throws Exception {
        Application app = app();
        ReplayableSource source = new ReplayableSource();
        List<CountingExecutor> executors = new CopyOnWriteArrayList<>();
        StreamEngine engine = new StreamEngine(app, (lane, n) -> {
            CountingExecutor e = new CountingExecutor(lane, n);
            executors.add(e);
            return e;
        }, new ConnectorFactory() {
            @Override
            public Source source(Pipeline pipeline, EngineSettings settings) {
                return source;
            }

            @Override
            public Sink sink(SinkSpec spec, int sinkId, EngineSettings settings) {
                throw new AssertionError("no sinks");
            }
        }, EngineSettings.defaults(lanes).withWatermarks(2048, 512));
        engine.enableSnapshots(SnapshotStore.open(dir, 4), interval);
        engine.start();
        return new Run(engine, source, executors);
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                try {
                    Files.copy(f, to.resolve(f.getFileName()));
                } catch (NoSuchFileException e) {
                    // pruned meanwhile: as if the crash came a moment later
                }
            }
        }
    }

    @Test
    void aCopyTakenMidRunRestoresExactlyOnAnotherLaneCount(@TempDir Path tmp) throws Exception {
        Path live = tmp.resolve("live");
        Path crashed = tmp.resolve("crashed");
        // Snapshots every 20 ms here: copying the directory is not atomic (a crash is), and under
        // a loaded CI machine a copy taken while snapshots came every 5 ms kept missing a pruned
        // base; 20 ms still gives several snapshots before the copy, each a real cut.
        Run first = start(live, 2, Duration.ofMillis(20));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (first.source().next < MESSAGES / 2 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        for (int attempt = 0; ; attempt++) { // what a SIGKILL right now would leave behind
            copy(live, crashed);
            if (SnapshotStore.open(crashed, 4).recover(io.wallaroo.engine.snapshot.Fingerprint.of(app())).isPresent() || attempt > 200) {
                break;
            }
            try (Stream<Path> files = Files.list(crashed)) { // the writer pruned a file mid-copy: again
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        first.engine().close();
        assertTrue(first.engine().metrics().get("snapshot.written") > 1, first.engine().metrics().snapshot().toString());
        assertEquals(0, first.engine().metrics().get("snapshot.failures"));

        Run second = start(crashed, 3, Duration.ofMillis(5));
        assertTrue(second.engine().restoreSummary().startsWith("restored snapshot"), second.engine().restoreSummary());
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!second.source().done && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(second.engine().awaitIdle(30_000));
        Map<String, Long> counts = new ConcurrentHashMap<>();
        second.executors().forEach(e -> e.counts.forEach((k, v) -> counts.merge(k, v, Long::sum)));
        second.engine().close();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.merge(key(i), 1L, Long::sum);
        }
        assertEquals(expected, counts, "each message counted once: " + second.engine().restoreSummary());
    }
}
