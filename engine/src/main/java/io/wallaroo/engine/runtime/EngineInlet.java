package io.wallaroo.engine.runtime;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's end of one inlet: hands batches to the inlet's lane and remembers where the input
 * stands after them. While a snapshot is being cut the inlet is held: batches are kept here, in
 * order, and counted against their lane for back-pressure, until the snapshot releases them.
 * Delivering never blocks, so a source's I/O thread (which may also serve a sink) keeps running.
 */
final class EngineInlet implements Inlet {
    private final String pipelineName;
    private final int pipelineId;
    private final Lane lane;
    private final FlowGate gate;
    private final FlowControl flow;
    private final Metrics metrics;
    private final String counter;
    private final String batches;
    private final Recorder latency;
    private final Runnable onClose;
    private final Map<String, Long> positions = new HashMap<>();
    private final List<FrameBatch> held = new ArrayList<>();
    private boolean holding;
    private int heldMessages;

    EngineInlet(String pipelineName, int pipelineId, Lane lane, FlowGate gate, FlowControl flow, Metrics metrics,
                Recorder latency, Runnable onClose) {
        this.pipelineName = pipelineName;
        this.pipelineId = pipelineId;
        this.lane = lane;
        this.gate = gate;
        this.flow = flow;
        this.metrics = metrics;
        this.counter = "source." + pipelineId + ".messages";
        this.batches = "source." + pipelineId + ".batches";
        this.latency = latency;
        this.onClose = onClose;
    }

    String pipelineName() {
        return pipelineName;
    }

    Lane lane() {
        return lane;
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
        if (holding) {
            held.add(batch);
            heldMessages += batch.count();
            gate.added(lane.index(), batch.count()); // back-pressure sees held input too
            return;
        }
        lane.submitFrames(pipelineId, batch);
    }

    /** Starts holding input; returns the positions matching everything delivered before. */
    synchronized Map<String, Long> hold() {
        holding = true;
        return new HashMap<>(positions);
    }

    /** Messages held for {@code lane}, counted in the flow gate but not in the lane's queue. */
    synchronized int heldMessages() {
        return heldMessages;
    }

    /** Hands held batches to the lane, in order, and stops holding. */
    synchronized void release() {
        for (FrameBatch batch : held) {
            gate.removed(lane.index(), batch.count());
            lane.submitFrames(pipelineId, batch);
        }
        held.clear();
        heldMessages = 0;
        holding = false;
    }

    @Override
    public void close() {
        gate.unregister(flow);
        onClose.run();
    }
}
