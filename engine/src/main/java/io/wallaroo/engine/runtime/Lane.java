package io.wallaroo.engine.runtime;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.snapshot.EntityBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One thread running one {@link LaneExecutor}. Batches are processed in arrival order; the
 * executor owns the state entities of this lane, so nothing else ever touches them.
 */
final class Lane implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    private sealed interface Task permits Frames, Routed, Barrier, Stop {}
    private record Frames(int pipelineId, FrameBatch batch) implements Task {}
    private record Routed(RoutedBatch batch) implements Task {}
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
    private List<Lane> lanes;
    private List<Sink> sinks;
    private String[] sinkCounters;
    private String[] routedCounters; // routed.FROM.TO.messages, by destination lane
    private final org.HdrHistogram.Recorder batchTime;
    private Thread thread;
    private SinkLedger ledger;   // set when snapshots are on

    Lane(int index, LaneExecutor executor, FlowGate gate, Metrics metrics, FailureLog failures) {
        this.index = index;
        this.executor = executor;
        this.gate = gate;
        this.metrics = metrics;
        this.failures = failures;
        this.batchTime = metrics.recorder("lane." + index + ".batch_us");
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
        thread = new Thread(this, "wallaroo-lane-" + index);
        thread.start();
    }

    int index() {
        return index;
    }

    void submitFrames(int pipelineId, FrameBatch batch) {
        gate.added(index, batch.count());
        queue.add(new Frames(pipelineId, batch));
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
                case Frames f -> run(f.batch().completion(), f.batch().count(),
                        () -> executor.onFrames(f.pipelineId(), f.batch(), output));
                case Routed r -> run(r.batch().completion(), r.batch().messages(),
                        () -> executor.onRouted(r.batch(), output));
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

        @Override
        public void route(int lane, Object payload, int messages) {
            metrics.add("routed.messages", messages);
            metrics.add(routedCounters[lane], messages);
            lanes.get(lane).submitRouted(new RoutedBatch(index, payload, messages, current.retain()));
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
