package io.wallaroo.engine.runtime;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.snapshot.EntityBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One thread running one {@link LaneExecutor}. Batches are processed in arrival order; the
 * executor owns the state entities of this lane, so nothing else ever touches them. Messages that
 * spread batches (from any lane) send to this lane's first state step go through a
 * {@link Resequencer} first, so they run in their inlet's order.
 */
final class Lane implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    private sealed interface Task permits Frames, Routed, Sequenced, Barrier, Stop {}
    /** Input; {@code tag} is null unless its inlet is spread over all lanes. */
    private record Frames(int pipelineId, FrameBatch batch, SequenceTag tag) implements Task {}
    private record Routed(RoutedBatch batch) implements Task {}
    private record Sequenced(Resequencer.Arrival arrival) implements Task {}
    private record Stop() implements Task {}
    /** A snapshot cut: every task before it is in the state the executor hands back. */
    private record Barrier(CompletableFuture<List<EntityBytes>> dirty) implements Task {}

    private final int index;
    private final LaneExecutor executor;
    private final FlowGate gate;
    private final Metrics metrics;
    private final FailureLog failures;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Output output = new Output();
    private final Resequencer resequencer = new Resequencer();
    private List<Lane> lanes;
    private List<Sink> sinks;
    private String[] sinkCounters;
    private String[] routedCounters; // routed.FROM.TO.messages, by destination lane
    private final String inputBatches;
    private final org.HdrHistogram.Recorder batchTime;
    private Thread thread;
    private SinkLedger ledger;   // set when snapshots are on
    private int niceness;        // set before the lane starts; 0 keeps the process's priority

    Lane(int index, LaneExecutor executor, FlowGate gate, Metrics metrics, FailureLog failures) {
        this.index = index;
        this.executor = executor;
        this.gate = gate;
        this.metrics = metrics;
        this.failures = failures;
        this.batchTime = metrics.recorder("lane." + index + ".batch_us");
        this.inputBatches = "lane." + index + ".input_batches";
    }

    void start(List<Lane> allLanes, List<Sink> allSinks) {
        this.lanes = allLanes;
        this.sinks = allSinks;
        this.sinkCounters = new String[allSinks.size()];
        for (int id = 0; id < sinkCounters.length; id++) {
            sinkCounters[id] = "sink." + id + ".messages";
        }
        this.routedCounters = new String[allLanes.size()];
        for (int to = 0; to < routedCounters.length; to++) {
            routedCounters[to] = "routed." + index + "." + to + ".messages";
        }
        output.spread = new ArrayList<>();
        for (int to = 0; to < allLanes.size(); to++) {
            output.spread.add(new ArrayList<>());
        }
        thread = new Thread(this, "wallaroo-lane-" + index);
        thread.start();
    }

    int index() {
        return index;
    }

    /** Whether this lane can run input now (false while its interpreter is still starting). */
    boolean accepting() {
        return !(executor instanceof PendingLaneExecutor pending) || pending.started();
    }

    void submitFrames(int pipelineId, FrameBatch batch) {
        submitFrames(pipelineId, batch, null);
    }

    /** Queues input; with a {@code tag}, a batch of a spread inlet. */
    void submitFrames(int pipelineId, FrameBatch batch, SequenceTag tag) {
        gate.added(index, batch.count());
        queue.add(new Frames(pipelineId, batch, tag));
    }

    /**
     * Queues what a lane sent here for one batch of a spread inlet (or the inlet's end). Its
     * messages are already counted in the flow gate: the sender counts them while its own batch
     * still counts, so a snapshot's drain never sees both at zero with these still on the way.
     */
    void submitSequenced(Resequencer.Arrival arrival) {
        queue.add(new Sequenced(arrival));
    }

    void submitRouted(RoutedBatch batch) {
        gate.added(index, batch.messages());
        queue.add(new Routed(batch));
    }

    /** Queues a snapshot barrier; completes with the entities changed since the previous one. */
    CompletableFuture<List<EntityBytes>> barrier() {
        CompletableFuture<List<EntityBytes>> dirty = new CompletableFuture<>();
        queue.add(new Barrier(dirty));
        return dirty;
    }

    /** Numbers sink output so snapshots can wait for it to leave; set before the lane starts. */
    void trackSinkOutput(SinkLedger sinkLedger) {
        this.ledger = sinkLedger;
    }

    /** The OS niceness the lane thread gives itself when it starts ({@link LaneNiceness}). */
    void niceness(int value) {
        this.niceness = value;
    }

    /** Loads this lane's share of a snapshot; called before the lane starts. */
    void restore(List<EntityBytes> entities) {
        executor.restoreEntities(entities, output);
    }

    void stop() throws InterruptedException {
        if (thread != null) { // null when a sink failed to start before the lanes did
            queue.add(new Stop());
            thread.join();
        }
        executor.close();
    }

    /** Closes the executor of a lane that never started (start-up failed elsewhere). */
    void stopQuietly() {
        try {
            executor.close();
        } catch (RuntimeException e) {
            LOG.debug("closing lane {} after a failed start", index, e);
        }
    }

    @Override
    public void run() {
        if (niceness > 0) {
            LaneNiceness.apply(niceness);
        }
        while (true) {
            Task task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            switch (task) {
                case Stop s -> {
                    return;
                }
                case Frames f -> {
                    metrics.add(inputBatches, 1);
                    if (f.tag() == null) {
                        run(f.batch().completion(), f.batch().count(),
                                () -> executor.onFrames(f.pipelineId(), f.batch(), output));
                    } else {
                        runSpread(f);
                    }
                }
                case Routed r -> runRouted(r.batch());
                case Sequenced s -> resequencer.accept(s.arrival(), this::runRouted);
                case Barrier b -> {
                    try {
                        b.dirty().complete(executor.takeDirtyEntities(output));
                    } catch (RuntimeException | Error e) {
                        b.dirty().completeExceptionally(e);
                    }
                }
            }
        }
    }

    private void runRouted(RoutedBatch batch) {
        run(batch.completion(), batch.messages(), () -> executor.onRouted(batch, output));
    }

    /**
     * Runs a batch of a spread inlet. What it routes is held back until it is done, then every
     * lane, this one included, is told about the batch exactly once, with the messages for it or
     * with none, so that each owner can put its messages in the inlet's order.
     */
    private void runSpread(Frames f) {
        output.spreading = true;
        try {
            run(f.batch().completion(), f.batch().count(),
                    () -> executor.onFrames(f.pipelineId(), f.batch(), output));
        } finally {
            output.spreading = false;
        }
        Resequencer.Arrival mine = null;
        for (int to = 0; to < lanes.size(); to++) {
            List<RoutedBatch> routed = output.spread.get(to);
            Resequencer.Arrival arrival = new Resequencer.Arrival(f.tag(),
                    routed.isEmpty() ? List.of() : List.copyOf(routed), false);
            routed.clear();
            if (to == index) {
                mine = arrival;
            } else {
                lanes.get(to).submitSequenced(arrival);
            }
        }
        resequencer.accept(mine, this::runRouted);
    }

    private void run(Completion completion, int messages, Runnable work) {
        output.current = completion;
        long started = System.nanoTime();
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            // Not a user exception (those come back as StepFailure): the executor itself broke.
            metrics.add("lane.crashes", 1);
            LOG.error("lane {} failed on a batch of {} messages; the batch is lost, the lane goes on", index, messages, e);
        } finally {
            batchTime.recordValue(Math.max(0, (System.nanoTime() - started) / 1000));
            output.current = null;
            gate.removed(index, messages);
            completion.release();
        }
    }

    /** Attaches the current batch's completion to everything it gives rise to. */
    private final class Output implements LaneOutput {
        Completion current;
        boolean spreading;                 // running a spread batch: routes wait in `spread`
        List<List<RoutedBatch>> spread;   // by destination lane

        @Override
        public void route(int lane, Object payload, int messages) {
            if (lane != index) { // a spread batch's messages for its own lane's keys stay on the lane
                metrics.add("routed.messages", messages);
                metrics.add(routedCounters[lane], messages);
            }
            RoutedBatch batch = new RoutedBatch(index, payload, messages, current.retain());
            if (spreading) {
                // Counted now, while the batch that made them still counts (submitSequenced).
                gate.added(lane, messages);
                spread.get(lane).add(batch);
            } else {
                lanes.get(lane).submitRouted(batch);
            }
        }

        @Override
        public void emit(int sinkId, byte[] bytes, int messages) {
            metrics.add(sinkCounters[sinkId], messages);
            try {
                Completion done = ledger == null ? current.retain() : ledger.track(current.retain());
                sinks.get(sinkId).write(new SinkChunk(bytes, messages, done));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for sink " + sinkId, e);
            }
        }

        @Override
        public void failed(StepFailure failure) {
            failures.record(failure);
        }

        @Override
        public void stepMessages(int pipelineId, int stepIndex, long messages) {
            metrics.add(LaneOutput.stepCounter(pipelineId, stepIndex), messages);
        }
    }
}
