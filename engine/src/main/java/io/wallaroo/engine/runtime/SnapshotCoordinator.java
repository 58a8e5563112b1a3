package io.wallaroo.engine.runtime;

import io.wallaroo.engine.LogThrottle;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.TransactionalOutput;
import io.wallaroo.engine.snapshot.EntityBytes;
import io.wallaroo.engine.snapshot.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Cuts consistent snapshots across all lanes at a fixed interval.
 *
 * <p><b>The cut.</b> Lanes route messages to each other (also several hops, also in cycles), so a
 * lane cannot know on its own when every message caused by input before the cut has reached it.
 * The coordinator therefore makes the cut at the inlets: it holds every inlet (input arriving
 * meanwhile is kept, in order, and counted for back-pressure), takes the positions matching what
 * was delivered before, waits until no lane has queued work (the flow gate counts routed batches
 * before their sender's batch is counted done, so "all queues empty" means nothing is in flight
 * between lanes), then queues a barrier task on every lane, which hands back its changed
 * entities. The inlets are released as soon as every lane answered: lanes keep working through
 * their queues while the inlets are held, so the pause each snapshot costs is the tail of the
 * drain plus the serialization of changed entities. Writing the file happens on another thread,
 * after processing has resumed, and only once every sink has delivered the output of the input
 * the snapshot covers ({@link SinkLedger}): a crash can then re-produce output, never lose it.
 *
 * <p><b>Failures.</b> A failed write is logged (throttled), counted ({@code snapshot.failures}) and
 * retried at the next interval with the same entities plus the newer ones; processing goes on.
 *
 * <p><b>Exactly-once output</b> ({@link #commitOutputWith}). The cut also ends the output epoch
 * (every lane is idle then, so nothing is half-written): output produced after it is held by the
 * transactional sinks. Once the snapshot file is durable the epoch's transaction is committed with
 * the snapshot's id in it, and the held output flows into the next transaction. A snapshot that
 * was not kept carries its epoch over into the next one. A cut waits for the previous commit, so
 * there is never more than one epoch held. A commit that fails for good leaves this process with
 * output it can never commit: it stops ({@link #onFatal}) and a restart replays from the last
 * committed snapshot.
 */
final class SnapshotCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCoordinator.class);
    /** A cut whose drain takes longer than this is given up (inputs released) and tried again. */
    private static final long DRAIN_LIMIT_MILLIS = 20_000;
    /** How long a snapshot waits for sinks to deliver the output it covers before it is dropped. */
    private static final long SINK_LIMIT_MILLIS = 30_000;

    /**
     * Fault injection for the end-to-end tests: with {@code -Dwallaroo.test.haltBeforeCommit=N} the
     * process halts right after its Nth snapshot file is durable and before that snapshot's output
     * is committed, the one crash window a random SIGKILL hardly ever hits.
     */
    private static final long HALT_BEFORE_COMMIT = Long.getLong("wallaroo.test.haltBeforeCommit", 0);

    private final SnapshotStore store;
    private final String fingerprint;
    private final Duration interval;
    private final List<Lane> lanes;
    private final FlowGate gate;
    private final Metrics metrics;
    private final LogThrottle failureLog = new LogThrottle(1);
    private final List<EngineInlet> inlets = new CopyOnWriteArrayList<>();
    private final Object cutLock = new Object();
    private List<EngineInlet> holding;   // the inlets a cut holds, while it holds them
    private final SinkLedger sinkOutput = new SinkLedger();
    /** Positions of restored or closed inputs, per pipeline name. */
    private final Map<String, Map<String, Long>> retired = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "wallaroo-snapshot"));
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "wallaroo-snapshot-writer"));
    private volatile boolean closed;
    private final Object oneCutAtATime = new Object();
    private volatile boolean retryWrite = true;       // nothing written yet, or the last write failed
    private Map<String, Map<String, Long>> lastPositions = Map.of();
    private TransactionalOutput transactional; // null: output is at least once
    private volatile CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    private volatile long committedId;     // the snapshot whose epoch was committed last
    private volatile boolean failedForGood; // a commit failed: no more snapshots from this process
    private java.util.function.Consumer<String> onFatal = why -> {
        LOG.error("{}", why);
        Runtime.getRuntime().halt(3);
    };

    SnapshotCoordinator(SnapshotStore store, String fingerprint, Duration interval, List<Lane> lanes, FlowGate gate,
                        Metrics metrics, Map<String, Map<String, Long>> restoredPositions) {
        this.store = store;
        this.fingerprint = fingerprint;
        this.interval = interval;
        this.lanes = lanes;
        this.gate = gate;
        this.metrics = metrics;
        restoredPositions.forEach((pipeline, positions) -> retired.put(pipeline, new HashMap<>(positions)));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Commits {@code output}'s transactions with the snapshots (call before {@link #start});
     * {@code restoredId} is the snapshot this run started from, 0 when fresh.
     */
    void commitOutputWith(TransactionalOutput output, long restoredId) {
        this.transactional = output;
        this.committedId = restoredId;
    }

    /** What happens when a commit fails for good; by default the process halts (a crash, which is safe). */
    void onFatal(java.util.function.Consumer<String> handler) {
        this.onFatal = handler;
    }

    /** The ledger lanes number their sink output in; see {@link SinkLedger}. */
    SinkLedger sinkLedger() {
        return sinkOutput;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::cutSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void opened(EngineInlet inlet) {
        synchronized (cutLock) {
            inlets.add(inlet);
            if (holding != null) {
                // An input that opens during a cut joins it: nothing it delivers may reach a lane
                // before the barrier, since its positions were not part of the cut.
                inlet.hold();
                holding.add(inlet);
            }
        }
    }

    void closed(EngineInlet inlet) {
        Map<String, Long> last = inlet.hold();
        inlet.release();
        synchronized (retired) {
            retired.computeIfAbsent(inlet.pipelineName(), k -> new HashMap<>()).putAll(last);
        }
        inlets.remove(inlet);
    }

    private void cutSafely() {
        if (closed) {
            return;
        }
        try {
            cut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            metrics.add("snapshot.failures", 1);
            LOG.error("taking a snapshot failed; processing goes on and the next interval tries again", e);
        }
    }

    /** One snapshot: hold, drain, barrier, release; then the write goes to the writer thread. */
    void cut() throws InterruptedException {
        synchronized (oneCutAtATime) { // the timer's cut and the final one at stop never overlap
            cutNow();
        }
    }

    private void cutNow() throws InterruptedException {
        if (failedForGood) {
            return;
        }
        if (transactional != null) {
            awaitLastWrite(); // one epoch held at a time: the previous commit is done before this cut
        }
        long start = System.nanoTime();
        List<EngineInlet> heldInlets = new CopyOnWriteArrayList<>();
        Map<String, Map<String, Long>> positions = new HashMap<>();
        synchronized (retired) {
            retired.forEach((p, m) -> positions.put(p, new HashMap<>(m)));
        }
        List<CompletableFuture<List<EntityBytes>>> answers = new ArrayList<>();
        long sinkMark;
        try {
            synchronized (cutLock) {
                heldInlets.addAll(inlets);
                holding = heldInlets;
                for (EngineInlet inlet : heldInlets) {
                    positions.computeIfAbsent(inlet.pipelineName(), k -> new HashMap<>()).putAll(inlet.hold());
                }
            }
            if (!drained(heldInlets, start + TimeUnit.MILLISECONDS.toNanos(DRAIN_LIMIT_MILLIS))) {
                metrics.add("snapshot.aborted", 1);
                if (failureLog.admit() >= 0) {
                    LOG.warn("a snapshot was given up: lanes did not finish their queued work within {} s "
                            + "(a sink that cannot deliver blocks them); trying again later", DRAIN_LIMIT_MILLIS / 1000);
                }
                return;
            }
            for (Lane lane : lanes) {
                answers.add(lane.barrier());
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            sinkMark = sinkOutput.mark(); // every output of the input before the cut is in a sink by now
            if (transactional != null) {
                transactional.endEpoch(); // lanes are idle: what they write after the release is the next epoch
            }
        } finally {
            synchronized (cutLock) {
                holding = null;
                heldInlets.forEach(EngineInlet::release);
            }
        }
        long pause = System.nanoTime() - start;
        metrics.add("snapshot.pause.micros.total", pause / 1000);
        metrics.raiseTo("snapshot.pause.micros.max", pause / 1000);
        List<EntityBytes> dirty = new ArrayList<>();
        for (CompletableFuture<List<EntityBytes>> answer : answers) {
            dirty.addAll(answer.join());
        }
        boolean unchanged = dirty.isEmpty() && positions.equals(lastPositions) && !retryWrite;
        if (unchanged && transactional == null) {
            metrics.add("snapshot.unchanged", 1); // nothing new to keep: the last file still describes this cut
            return;
        }
        lastPositions = positions;
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            lastWrite = done;
            writer.execute(() -> {
                try {
                    if (unchanged) {
                        metrics.add("snapshot.unchanged", 1);
                        commitUnchanged(sinkMark); // the last file still describes this cut; its epoch's output commits with it
                    } else {
                        write(positions, dirty, sinkMark);
                    }
                } finally {
                    done.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
            // Stopping: the timer's last cut lost the race with close(); the final snapshot covers it.
        }
    }

    private boolean drained(List<EngineInlet> heldInlets, long deadline) throws InterruptedException {
        int[] held = new int[lanes.size()];
        for (EngineInlet inlet : heldInlets) {
            inlet.addHeldMessages(held);
        }
        long pollNanos = 20_000;
        while (true) {
            boolean idle = true;
            for (int i = 0; i < held.length && idle; i++) {
                idle = gate.queued(i) <= held[i];
            }
            if (idle) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(pollNanos);
            pollNanos = Math.min(pollNanos * 2, 1_000_000);
            // Input that arrived meanwhile is held, not queued; count it again.
            java.util.Arrays.fill(held, 0);
            for (EngineInlet inlet : heldInlets) {
                inlet.addHeldMessages(held);
            }
        }
    }

    private void write(Map<String, Map<String, Long>> positions, List<EntityBytes> dirty, long sinkMark) {
        long start = System.nanoTime();
        try {
            if (!awaitSinks(sinkMark)) {
                store.defer(dirty);
                retryWrite = true;
                carryOver();
                metrics.add("snapshot.aborted", 1);
                if (failureLog.admit() >= 0) {
                    LOG.warn("a snapshot was not kept: sinks had not delivered the output it covers within {} s "
                            + "(a receiver is slow or absent); trying again later", SINK_LIMIT_MILLIS / 1000);
                }
                return;
            }
            SnapshotStore.Written written = store.write(fingerprint, positions, dirty);
            long micros = (System.nanoTime() - start) / 1000;
            metrics.add("snapshot.written", 1);
            metrics.add("snapshot.entities", written.entities());
            metrics.add("snapshot.bytes", written.bytes());
            metrics.add("snapshot.write.micros.total", micros);
            metrics.raiseTo("snapshot.write.micros.max", micros);
            if (written.base()) {
                metrics.add("snapshot.compactions", 1);
            }
            metrics.set("snapshot.last.id", written.id());
            retryWrite = false;
            if (transactional != null && HALT_BEFORE_COMMIT > 0 && metrics.get("snapshot.written") == HALT_BEFORE_COMMIT) {
                LOG.error("halting before committing snapshot {} (-Dwallaroo.test.haltBeforeCommit)", written.id());
                Runtime.getRuntime().halt(137);
            }
            commit(written.id());
        } catch (java.io.IOException | RuntimeException e) {
            retryWrite = true;
            carryOver();
            metrics.add("snapshot.failures", 1);
            if (failureLog.admit() >= 0) {
                LOG.warn("writing a snapshot to {} failed ({}); processing goes on and the next snapshot "
                        + "tries again with these changes included", store.directory(), e.toString());
            }
        }
    }

    private void commitUnchanged(long sinkMark) {
        if (!awaitSinks(sinkMark)) {
            carryOver();
            return;
        }
        commit(committedId);
    }

    /** The snapshot is durable: commits its epoch's output; a commit that fails for good stops the process. */
    private void commit(long snapshotId) {
        if (transactional == null) {
            return;
        }
        try {
            transactional.commit(snapshotId);
            committedId = snapshotId;
        } catch (Exception e) {
            failedForGood = true; // writing more snapshots could prune the last committed one
            metrics.add("snapshot.commit.failures", 1);
            if (closed) { // stopping, and the producer closed under the last commit: the next start replays it
                LOG.warn("exactly-once output: the last commit (snapshot {}) did not finish before the stop ({}); the "
                        + "next start resumes from snapshot {}", snapshotId, e.getMessage(), committedId);
                return;
            }
            onFatal.accept("exactly-once output: committing the output of snapshot " + snapshotId + " failed: "
                    + e.getMessage() + ". That output can never be committed by this process, so it stops; start it again "
                    + "with the same arguments and it resumes from snapshot " + committedId + " and produces the output again.");
        }
    }

    private void carryOver() {
        if (transactional != null) {
            transactional.carryOver();
        }
    }

    private void awaitLastWrite() throws InterruptedException {
        try {
            lastWrite.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // the write task reports its own failures
        }
    }

    private boolean awaitSinks(long mark) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SINK_LIMIT_MILLIS);
        while (!sinkOutput.settled(mark)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Takes a last snapshot of everything processed (a clean stop), then stops. */
    void finalSnapshot() {
        if (closed) {
            return;
        }
        try {
            cut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("the final snapshot failed; the previous one stays valid", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the last snapshot write did not finish in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
