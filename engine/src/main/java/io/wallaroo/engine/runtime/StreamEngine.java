package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.ConnectorFactory;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final List<Source> sources = new ArrayList<>();
    private final AtomicInteger nextEntryLane = new AtomicInteger();
    private volatile boolean closed;
    private volatile CompletableFuture<Void> lanesStarted = new CompletableFuture<>();

    public StreamEngine(Application application, LaneExecutorFactory executors, ConnectorFactory connectors,
                        EngineSettings settings) {
        this.application = application;
        this.executors = executors;
        this.connectors = connectors;
        this.settings = settings;
        this.gate = new FlowGate(settings.lanes(), settings.highWatermark(), settings.lowWatermark());
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
        startLanes(awaitAllLanes);
        List<SinkSpec> sinkSpecs = application.allSinks();
        for (int id = 0; id < sinkSpecs.size(); id++) {
            Sink sink = connectors.sink(sinkSpecs.get(id), id, settings);
            sinks.add(sink);
            sink.start();
        }
        for (Lane lane : lanes) {
            lane.start(lanes, sinks);
        }
        for (Pipeline pipeline : application.pipelines()) {
            Source source = connectors.source(pipeline, settings);
            sources.add(source);
            source.start(new PipelineInputs(pipeline));
            LOG.info("pipeline '{}' takes input from {}", pipeline.name(), source.describe());
        }
    }

    private void startLanes(boolean awaitAllLanes) throws Exception {
        FailureLog failures = new FailureLog(metrics);
        ExecutorService starter = Executors.newFixedThreadPool(settings.lanes());
        try {
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
                        lanes.add(new Lane(i, executor.get(), gate, metrics, failures));
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
        }
    }

    private final class PipelineInputs implements SourceContext {
        private final Pipeline pipeline;

        PipelineInputs(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public Inlet openInlet(String description, FlowControl flow) {
            java.util.OptionalInt preferred = EntryLanes.preferred(application, pipeline, lanes.size());
            Lane lane = lanes.get(preferred.isPresent() ? preferred.getAsInt()
                    : Math.floorMod(nextEntryLane.getAndIncrement(), lanes.size()));
            gate.register(flow);
            String counter = "source." + pipeline.id() + ".messages";
            LOG.debug("{} feeds lane {}", description, lane.index());
            return new Inlet() {
                @Override
                public void deliver(FrameBatch batch) {
                    metrics.add(counter, batch.count());
                    lane.submitFrames(pipeline.id(), batch);
                }

                @Override
                public void close() {
                    gate.unregister(flow);
                }
            };
        }

        @Override
        public EngineSettings settings() {
            return settings;
        }
    }
}
