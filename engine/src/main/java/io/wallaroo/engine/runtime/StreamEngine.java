package io.wallaroo.engine.runtime;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.ConnectorFactory;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.connector.TransactionalOutput;
import io.wallaroo.engine.snapshot.EntityBytes;
import io.wallaroo.engine.snapshot.Fingerprint;
import io.wallaroo.engine.snapshot.SnapshotStore;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.StateDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an {@link Application}: lanes first (creating interpreters is the slow part, so they start
 * in parallel), then sinks, then sources, so no input arrives before it can be processed.
 */
public final class StreamEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamEngine.class);

    private final Application application;
    private final LaneExecutorFactory executors;
    private final ConnectorFactory connectors;
    private final EngineSettings settings;
    private final Metrics metrics = new Metrics();
    private final FlowGate gate;
    private final List<Lane> lanes = new ArrayList<>();
    private final List<Sink> sinks = new ArrayList<>();
    private volatile List<Sink> startedSinks = List.of(); // for readers on other threads (the monitor)
    private final List<Source> sources = new ArrayList<>();
    private final AtomicInteger nextEntryLane = new AtomicInteger();
    private final AtomicLong nextStream = new AtomicLong();
    private volatile boolean closed;
    private SnapshotStore snapshotStore;
    private Duration snapshotInterval;
    private SnapshotCoordinator snapshots;
    private String restoreSummary = "resilience off";
    private volatile CompletableFuture<Void> lanesStarted = new CompletableFuture<>();
    private TransactionalOutput transactional; // exactly-once sinks, when any

    public StreamEngine(Application application, LaneExecutorFactory executors, ConnectorFactory connectors,
                        EngineSettings settings) {
        this.application = application;
        this.executors = executors;
        this.connectors = connectors;
        this.settings = settings;
        this.gate = new FlowGate(settings.lanes(), settings.highWatermark(), settings.lowWatermark());
    }

    /**
     * Turns on snapshots (call before {@link #start}): state is restored from {@code store} at start
     * and a snapshot is cut every {@code interval}. See {@link SnapshotCoordinator}.
     */
    public void enableSnapshots(SnapshotStore store, Duration interval) {
        this.snapshotStore = store;
        this.snapshotInterval = interval;
    }

    /** What start restored: snapshot id, age, entities and source positions, or that it started fresh. */
    public String restoreSummary() {
        return restoreSummary;
    }

    public void start() throws Exception {
        start(true);
    }

    /**
     * Starts the engine. With {@code awaitAllLanes} false, inputs open as soon as lane 0 exists;
     * lanes still creating their interpreter queue their input meanwhile (bounded by the flow
     * gate) and {@link #lanesStarted()} says when they are all up or which one failed.
     */
    public void start(boolean awaitAllLanes) throws Exception {
        connectors.prepare(application, metrics);
        SnapshotStore.Restored restored = null;
        String fingerprint = Fingerprint.of(application);
        if (snapshotStore != null) {
            long newestCommitted = Long.MAX_VALUE;
            transactional = connectors.transactionalOutput(application, snapshotInterval, settings).orElse(null);
            if (transactional != null) {
                newestCommitted = transactional.lastCommittedSnapshot().orElse(Long.MAX_VALUE);
            }
            restored = snapshotStore.recover(fingerprint, newestCommitted).orElse(null);
            for (String skipped : restored == null ? List.<String>of() : restored.skipped()) {
                LOG.warn("skipped a damaged snapshot: {}; restoring the previous one", skipped);
            }
            for (String uncommitted : restored == null ? List.<String>of() : restored.uncommitted()) {
                LOG.warn("set aside snapshot {}; restoring the last committed one, its epoch's input is read again", uncommitted);
            }
            restoreSummary = summary(restored);
        }
        // Snapshots cut across every lane and restored entities must be in place before input
        // flows, so with resilience on the engine waits for all lanes.
        startLanes(restored, awaitAllLanes || snapshotStore != null);
        if (snapshotStore != null) {
            snapshots = new SnapshotCoordinator(snapshotStore, fingerprint, snapshotInterval, lanes, gate, metrics,
                    restored == null ? Map.of() : restored.positions());
            lanes.forEach(lane -> lane.trackSinkOutput(snapshots.sinkLedger()));
            if (transactional != null) {
                long from = restored == null ? 0 : restored.id();
                transactional.begin(from);
                snapshots.commitOutputWith(transactional, from);
            }
        }
        List<SinkSpec> sinkSpecs = application.allSinks();
        for (int id = 0; id < sinkSpecs.size(); id++) {
            Sink sink = connectors.sink(sinkSpecs.get(id), id, settings);
            sinks.add(sink);
            sink.start();
        }
        startedSinks = List.copyOf(sinks);
        for (Lane lane : lanes) {
            lane.niceness(settings.laneNiceness());
            lane.start(lanes, sinks);
        }
        for (Pipeline pipeline : application.pipelines()) {
            Source source = connectors.source(pipeline, settings);
            sources.add(source);
            if (snapshots != null) {
                source.restore(restored == null ? Map.of() : restored.positions().getOrDefault(pipeline.name(), Map.of()));
            }
            source.start(new PipelineInputs(pipeline));
            LOG.info("pipeline '{}' takes input from {}", pipeline.name(), source.describe());
        }
        if (snapshots != null) {
            snapshots.start();
        }
    }

    private String summary(SnapshotStore.Restored restored) {
        if (restored == null) {
            return "started fresh: no snapshot in " + snapshotStore.directory();
        }
        long age = Math.max(0, System.currentTimeMillis() - restored.createdMillis());
        return "restored snapshot " + restored.id() + " from " + snapshotStore.directory() + " (taken "
                + String.format("%.1f", age / 1000.0) + " s ago): " + restored.entities().size() + " entities, source positions "
                + restored.positions();
    }

    /** Which lane owns a restored entity: the same rule the executors route by. */
    private int ownerOf(EntityBytes entity, int laneCount) {
        StateDefinition state = application.states().get(entity.state());
        if (state == null || state.partitioning() instanceof StateDefinition.Single) {
            return EntryLanes.ownerOf(entity.state(), laneCount);
        }
        return Math.floorMod(entity.keyHash(), laneCount);
    }

    private void startLanes(SnapshotStore.Restored restored, boolean awaitAllLanes) throws Exception {
        FailureLog failures = new FailureLog(metrics);
        ExecutorService starter = Executors.newFixedThreadPool(settings.lanes());
        try {
            List<List<EntityBytes>> shares = new ArrayList<>();
            for (int i = 0; i < settings.lanes(); i++) {
                shares.add(new ArrayList<>());
            }
            if (restored != null) {
                for (EntityBytes e : restored.entities()) {
                    shares.get(ownerOf(e, settings.lanes())).add(e);
                }
            }
            List<CompletableFuture<LaneExecutor>> created = new ArrayList<>();
            for (int i = 0; i < settings.lanes(); i++) {
                int index = i;
                created.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return executors.create(index, settings.lanes());
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, starter));
            }
            lanesStarted = CompletableFuture.allOf(created.toArray(CompletableFuture[]::new));
            for (int i = 0; i < created.size(); i++) {
                CompletableFuture<LaneExecutor> executor = created.get(i);
                try {
                    if (i == 0 || awaitAllLanes || executor.isDone()) {
                        Lane lane = new Lane(i, executor.get(), gate, metrics, failures);
                        lanes.add(lane);
                        if (!shares.get(i).isEmpty()) {
                            lane.restore(shares.get(i));
                        }
                    } else {
                        lanes.add(new Lane(i, new PendingLaneExecutor(i, executor), gate, metrics, failures));
                    }
                } catch (ExecutionException e) {
                    lanes.forEach(l -> l.stopQuietly());
                    created.subList(i + 1, created.size()).forEach(c -> c.thenAccept(LaneExecutor::close));
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        } finally {
            starter.shutdown();
        }
    }

    /**
     * Completes when every lane's executor exists (at once after {@code start()}), or
     * exceptionally with the first lane's failure to start.
     */
    public CompletableFuture<Void> lanesStarted() {
        return lanesStarted;
    }

    public Application application() {
        return application;
    }

    public Metrics metrics() {
        return metrics;
    }

    public FlowGate flowGate() {
        return gate;
    }

    /** The running sinks, by sink id (empty until all have started); safe to call from any thread. */
    public List<Sink> sinks() {
        return startedSinks;
    }

    public int laneCount() {
        return lanes.size();
    }

    /** Waits until no lane has queued work; true when that happened within {@code millis}. */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            boolean idle = true;
            for (Lane lane : lanes) {
                idle &= gate.queued(lane.index()) == 0;
            }
            if (idle) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Stops taking input, finishes what was taken, lets sinks drain, then stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sources.forEach(Source::close);
        try {
            awaitIdle(30_000);
            if (snapshots != null) {
                snapshots.finalSnapshot(); // a clean stop loses nothing and re-reads nothing
                snapshots.close();
            }
            for (Lane lane : lanes) {
                lane.stop();
            }
            for (Sink sink : sinks) {
                if (!sink.drain(10_000)) {
                    LOG.warn("{} still had output buffered at shutdown", sink.describe());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sinks.forEach(Sink::close);
            if (transactional != null) {
                transactional.close();
            }
        }
    }

    private final class PipelineInputs implements SourceContext {
        private final Pipeline pipeline;

        PipelineInputs(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public Inlet openInlet(String description, FlowControl flow) {
            List<Lane> entry;
            long stream = -1;
            if (EntryLanes.spreads(application, pipeline, lanes.size(), settings.spreadInput())) {
                entry = lanes;
                stream = nextStream.getAndIncrement();
                LOG.debug("{} feeds every lane, batch by batch", description);
            } else {
                java.util.OptionalInt preferred = EntryLanes.preferred(application, pipeline, lanes.size());
                Lane lane = lanes.get(preferred.isPresent() ? preferred.getAsInt()
                        : Math.floorMod(nextEntryLane.getAndIncrement(), lanes.size()));
                entry = List.of(lane);
                LOG.debug("{} feeds lane {}", description, lane.index());
            }
            gate.register(flow);
            EngineInlet[] self = new EngineInlet[1];
            self[0] = new EngineInlet(pipeline.name(), pipeline.id(), entry, stream, gate, flow, metrics,
                    metrics.recorder("pipeline." + pipeline.id() + ".latency_us"), () -> {
                if (snapshots != null) {
                    snapshots.closed(self[0]);
                }
            });
            if (snapshots != null) {
                snapshots.opened(self[0]);
            }
            return self[0];
        }

        @Override
        public EngineSettings settings() {
            return settings;
        }
    }
}
