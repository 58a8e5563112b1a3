package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.FlowControl;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Back-pressure for the whole engine. Every lane counts the messages queued for it; when any
 * lane reaches the high watermark all inputs are paused (TCP stops reading, so the sender's
 * window closes; Kafka consumers pause), and they resume once every lane is back under the low
 * one. Lanes never block on each other, so pausing at the inputs cannot deadlock; routed messages
 * stay bounded because only input creates them. Called once per batch, so one lock is cheap.
 */
public final class FlowGate {
    private final int[] queued;
    private final boolean[] over;
    private final int high;
    private final int low;
    private final Set<FlowControl> inputs = ConcurrentHashMap.newKeySet();
    private int lanesOver;
    private volatile boolean paused;
    private long pauses;
    private long pausedSince;  // System.nanoTime() when the current pause began
    private long pausedNanos;  // total of the pauses that ended

    FlowGate(int lanes, int high, int low) {
        this.queued = new int[lanes];
        this.over = new boolean[lanes];
        this.high = high;
        this.low = low;
    }

    synchronized void register(FlowControl input) {
        inputs.add(input);
        if (paused) {
            input.pause();
        }
    }

    void unregister(FlowControl input) {
        inputs.remove(input);
    }

    synchronized void added(int lane, int messages) {
        queued[lane] += messages;
        if (!over[lane] && queued[lane] >= high) {
            over[lane] = true;
            lanesOver++;
            update();
        }
    }

    synchronized void removed(int lane, int messages) {
        queued[lane] -= messages;
        if (over[lane] && queued[lane] < low) {
            over[lane] = false;
            lanesOver--;
            update();
        }
    }

    private void update() {
        boolean shouldPause = lanesOver > 0;
        if (shouldPause == paused) {
            return;
        }
        paused = shouldPause;
        if (shouldPause) {
            pauses++;
            pausedSince = System.nanoTime();
        } else {
            pausedNanos += System.nanoTime() - pausedSince;
        }
        for (FlowControl input : inputs) {
            if (shouldPause) {
                input.pause();
            } else {
                input.resume();
            }
        }
    }

    public boolean paused() {
        return paused;
    }

    /** How many times inputs were paused since start. */
    public synchronized long pauses() {
        return pauses;
    }

    /** Time inputs spent paused since start, including the current pause. */
    public synchronized long pausedNanos() {
        return paused ? pausedNanos + (System.nanoTime() - pausedSince) : pausedNanos;
    }

    public int lanes() {
        return queued.length;
    }

    public synchronized int queued(int lane) {
        return queued[lane];
    }
}
