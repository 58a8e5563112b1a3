package io.wallaroo.monitor;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.runtime.FlowGate;
import io.wallaroo.engine.runtime.StreamEngine;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one reader of a running engine's metrics. Once a second it takes what the lanes recorded
 * since the last look (interval histograms from wait-free recorders, counter sums) and keeps a
 * few minutes of {@link Tick}s for the page and the status line. Lanes never wait for it: the
 * only locks it takes are its own and, once per tick, the flow gate's and each sink's, for a
 * few reads.
 */
public final class Sampler implements AutoCloseable {
    static final int HISTORY_SECONDS = 300;

    private final StreamEngine engine;
    private final Metrics metrics;
    private final Map<String, Histogram> cumulative = new HashMap<>();
    private final Map<String, Histogram> sinceTick = new HashMap<>();
    private final Map<String, Histogram> recycled = new HashMap<>();
    private final ArrayDeque<Tick> history = new ArrayDeque<>();
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private final ScheduledExecutorService timer;
    private volatile Tick latest;
    private long lastCompileMillis;

    public Sampler(StreamEngine engine) {
        this.engine = engine;
        this.metrics = engine.metrics();
        this.lastCompileMillis = compileMillis();
        this.latest = tick(null);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wallaroo-monitor-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    StreamEngine engine() {
        return engine;
    }

    Tick latest() {
        return latest;
    }

    /** The ticks of the last few minutes, oldest first. */
    synchronized List<Tick> history() {
        return new ArrayList<>(history);
    }

    /** Copies of every recorder's histogram since start (microseconds), up to this moment. */
    synchronized Map<String, Histogram> cumulative() {
        drain();
        Map<String, Histogram> copy = new HashMap<>();
        cumulative.forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    private void sample() {
        try {
            Tick next;
            synchronized (this) {
                next = tick(latest);
                history.addLast(next);
                while (history.size() > HISTORY_SECONDS) {
                    history.removeFirst();
                }
            }
            latest = next;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Sampler.class).warn("monitor sampling failed: {}", e.toString());
        }
    }

    /** Moves what the recorders hold into the cumulative and since-tick histograms. */
    private void drain() {
        for (Map.Entry<String, Recorder> e : metrics.recorders().entrySet()) {
            Histogram interval = e.getValue().getIntervalHistogram(recycled.get(e.getKey()));
            cumulative.computeIfAbsent(e.getKey(), k -> new Histogram(2)).add(interval);
            sinceTick.computeIfAbsent(e.getKey(), k -> new Histogram(2)).add(interval);
            recycled.put(e.getKey(), interval);
        }
    }

    private Tick tick(Tick previous) {
        drain();
        long now = System.nanoTime();
        Map<String, Long> counters = metrics.snapshot();
        Map<String, Double> rates = new HashMap<>();
        if (previous != null) {
            double seconds = Math.max(1e-3, (now - previous.nanos()) / 1e9);
            counters.forEach((k, v) -> rates.put(k, Math.max(0, v - previous.counter(k)) / seconds));
        }
        Map<String, Tick.Percentiles> latency = new HashMap<>();
        sinceTick.forEach((k, h) -> {
            latency.put(k, Tick.Percentiles.of(h));
            h.reset();
        });
        FlowGate gate = engine.flowGate();
        int[] queued = new int[gate.lanes()];
        for (int i = 0; i < queued.length; i++) {
            queued[i] = gate.queued(i);
        }
        List<Tick.SinkState> sinks = new ArrayList<>();
        List<Sink> running = engine.sinks();
        for (int id = 0; id < running.size(); id++) {
            Sink s = running.get(id);
            sinks.add(new Tick.SinkState(id, MetricName.sinkPipeline(engine.application(), id).orElse(""),
                    s.describe(), s.connected(), s.bufferedBytes(), s.bufferLimit(), s.reconnects()));
        }
        long compile = compileMillis();
        double compileShare = previous == null ? 0 : (compile - lastCompileMillis) / Math.max(1.0, (now - previous.nanos()) / 1e6);
        lastCompileMillis = compile;
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Tick(now, System.currentTimeMillis(), counters, rates, metrics.gauges(), latency, gate.paused(),
                gate.pauses(), gate.pausedNanos(), queued, sinks, Math.max(0, compileShare), heap.getUsed(), heap.getMax());
    }

    private long compileMillis() {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
