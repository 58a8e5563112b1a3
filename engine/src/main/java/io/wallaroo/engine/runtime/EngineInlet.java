package io.wallaroo.engine.runtime;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's end of one inlet: hands batches to a lane and remembers where the input stands
 * after them. A plain inlet feeds one lane. A spread inlet ({@link EntryLanes#spreads}) gives each
 * batch to the next lane that is running, numbered, so the owners of its keys can put the first
 * state step's messages back in order ({@link Resequencer}).
 *
 * <p>While a snapshot is being cut the inlet is held: batches are kept here, in order, and counted
 * against their lane for back-pressure, until the snapshot releases them. Delivering never blocks,
 * so a source's I/O thread (which may also serve a sink) keeps running.
 */
final class EngineInlet implements Inlet {
    private record Held(FrameBatch batch, Lane lane, SequenceTag tag) {}

    private final String pipelineName;
    private final int pipelineId;
    private final List<Lane> lanes;     // one lane, or every lane when spread
    private final long stream;          // this inlet's stream number when spread, else -1
    private final FlowGate gate;
    private final FlowControl flow;
    private final Metrics metrics;
    private final String counter;
    private final String batches;
    private final Recorder latency;
    private final Runnable onClose;
    private final Map<String, Long> positions = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private final int[] heldByLane;
    private boolean holding;
    private long nextNumber;
    private int turn;
    private boolean ended;

    /**
     * @param lanes  the lanes batches may enter on: one for a plain inlet, every lane for a spread one
     * @param stream a number unique in this engine run when spread, -1 when not
     */
    EngineInlet(String pipelineName, int pipelineId, List<Lane> lanes, long stream, FlowGate gate, FlowControl flow,
                Metrics metrics, Recorder latency, Runnable onClose) {
        this.pipelineName = pipelineName;
        this.pipelineId = pipelineId;
        this.lanes = List.copyOf(lanes);
        this.stream = stream;
        this.gate = gate;
        this.flow = flow;
        this.metrics = metrics;
        this.counter = "source." + pipelineId + ".messages";
        this.batches = "source." + pipelineId + ".batches";
        this.latency = latency;
        this.onClose = onClose;
        this.heldByLane = new int[gate.lanes()];
    }

    String pipelineName() {
        return pipelineName;
    }

    boolean spread() {
        return stream >= 0;
    }

    @Override
    public void deliver(FrameBatch batch) {
        deliver(batch, null);
    }

    @Override
    public synchronized void deliver(FrameBatch input, Map<String, Long> positionsAfter) {
        metrics.add(counter, input.count());
        metrics.add(batches, 1);
        // Timed from here, so time spent held by a snapshot counts as the latency it is.
        FrameBatch batch = BatchLatency.timed(input, latency);
        if (positionsAfter != null) {
            positions.putAll(positionsAfter);
        }
        Lane lane = spread() ? nextLane() : lanes.get(0);
        SequenceTag tag = spread() ? new SequenceTag(stream, nextNumber++) : null;
        if (holding) {
            held.add(new Held(batch, lane, tag));
            heldByLane[lane.index()] += batch.count();
            gate.added(lane.index(), batch.count()); // back-pressure sees held input too
            return;
        }
        lane.submitFrames(pipelineId, batch, tag);
    }

    /**
     * The next lane in turn that is running. Lanes whose interpreter is still starting are passed
     * over, so a spread inlet's first output does not wait for them; lane 0 always runs.
     */
    private Lane nextLane() {
        for (int tries = 0; tries < lanes.size(); tries++) {
            Lane lane = lanes.get(turn);
            turn = (turn + 1) % lanes.size();
            if (lane.accepting()) {
                return lane;
            }
        }
        return lanes.get(0);
    }

    /** Starts holding input; returns the positions matching everything delivered before. */
    synchronized Map<String, Long> hold() {
        holding = true;
        return new HashMap<>(positions);
    }

    /** Adds the messages held here to {@code perLane}: counted in the flow gate, not in the lanes' queues. */
    synchronized void addHeldMessages(int[] perLane) {
        for (int i = 0; i < heldByLane.length; i++) {
            perLane[i] += heldByLane[i];
        }
    }

    /** Hands held batches to their lanes, in order, and stops holding. */
    synchronized void release() {
        for (Held h : held) {
            gate.removed(h.lane().index(), h.batch().count());
            h.lane().submitFrames(pipelineId, h.batch(), h.tag());
        }
        held.clear();
        Arrays.fill(heldByLane, 0);
        holding = false;
    }

    @Override
    public void close() {
        gate.unregister(flow);
        onClose.run();
        endStream();
    }

    /** Tells every lane that a spread inlet has no batches after the last one it numbered. */
    private synchronized void endStream() {
        if (!spread() || ended) {
            return;
        }
        ended = true;
        Resequencer.Arrival end = new Resequencer.Arrival(new SequenceTag(stream, nextNumber), List.of(), true);
        for (Lane lane : lanes) {
            lane.submitSequenced(end);
        }
    }
}
