package io.wallaroo.monitor;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.runtime.FlowGate;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Exports one engine's metrics to a Prometheus registry at scrape time: every runtime counter
 * and gauge (named by {@link MetricName}), the latency recorders as classic histograms in
 * seconds, and the flow gate, lanes, sinks and JIT state read on the spot. The Prometheus
 * client formats everything; this class only builds snapshots.
 */
final class EngineCollector implements MultiCollector {
    /** Histogram bucket upper bounds, seconds: 50 µs to 30 s. */
    static final double[] BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, Double.POSITIVE_INFINITY};

    private final Sampler sampler;
    private final BooleanSupplier jit;
    private final BooleanSupplier ready;

    EngineCollector(Sampler sampler, BooleanSupplier jit, BooleanSupplier ready) {
        this.sampler = sampler;
        this.jit = jit;
        this.ready = ready;
    }

    @Override
    public MetricSnapshots collect() {
        StreamEngine engine = sampler.engine();
        Application app = engine.application();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        Map<String, Long> counters = engine.metrics().snapshot();

        Families<CounterDataPointSnapshot> counterFamilies = new Families<>();
        counters.forEach((raw, value) -> {
            MetricName n = MetricName.of(raw, app);
            counterFamilies.add(n.family(), "Runtime counter " + raw.replaceAll("\\.\\d+", ".N").replaceAll("^errors\\..*", "errors.STEP").replace("step.N.N.messages", "step.PIPELINE.STEP.messages"),
                    CounterDataPointSnapshot.builder().labels(Labels.of(labels(n.labels()))).value(value).build());
        });
        for (Pipeline p : app.pipelines()) {
            long in = counters.getOrDefault("source." + p.id() + ".messages", 0L);
            long outMessages = 0;
            for (int i = 0; i < p.sinks().size(); i++) {
                outMessages += counters.getOrDefault("sink." + app.sinkId(p.id(), i) + ".messages", 0L);
            }
            Labels labels = Labels.of("pipeline", p.name());
            counterFamilies.add("wallaroo_pipeline_messages_in", "Messages a pipeline's source took in",
                    CounterDataPointSnapshot.builder().labels(labels).value(in).build());
            counterFamilies.add("wallaroo_pipeline_messages_out", "Messages a pipeline wrote to its sinks (each sink counts)",
                    CounterDataPointSnapshot.builder().labels(labels).value(outMessages).build());
            // a step's out is what entered the stage after it (the next step, or the sinks)
            for (int s = 0; s < p.steps().size(); s++) {
                long stepOut = counters.getOrDefault(io.wallaroo.engine.runtime.LaneOutput.stepCounter(p.id(), s + 1), 0L);
                counterFamilies.add("wallaroo_step_messages_out", "Messages a step passed on (what entered the next step or the sinks)",
                        CounterDataPointSnapshot.builder().labels(Labels.of("index", Integer.toString(s), "pipeline", p.name(),
                                "step", p.steps().get(s).name())).value(stepOut).build());
            }
        }
        FlowGate gate = engine.flowGate();
        counterFamilies.add("wallaroo_backpressure_pauses", "Times the inputs were paused because a lane's queue was full",
                CounterDataPointSnapshot.builder().value(gate.pauses()).build());
        counterFamilies.add("wallaroo_backpressure_paused_seconds", "Time the inputs spent paused",
                CounterDataPointSnapshot.builder().value(gate.pausedNanos() / 1e9).build());
        List<Sink> sinks = engine.sinks();
        for (int id = 0; id < sinks.size(); id++) {
            counterFamilies.add("wallaroo_sink_reconnects", "Times a sink connected again after losing its receiver",
                    CounterDataPointSnapshot.builder().labels(sinkLabels(app, id, sinks.get(id))).value(sinks.get(id).reconnects()).build());
        }
        counterFamilies.forEach((name, help, points) -> {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            points.forEach(b::dataPoint);
            out.metricSnapshot(b.build());
        });

        Families<GaugeDataPointSnapshot> gauges = new Families<>();
        engine.metrics().gauges().forEach((raw, value) -> {
            MetricName n = MetricName.of(raw, app);
            gauges.add(n.family(), "Runtime gauge " + raw.replaceAll("\\.\\d+", ".N"),
                    GaugeDataPointSnapshot.builder().labels(Labels.of(labels(n.labels()))).value(value).build());
        });
        gauges.add("wallaroo_backpressure_paused", "1 while the inputs are paused by back-pressure",
                GaugeDataPointSnapshot.builder().value(gate.paused() ? 1 : 0).build());
        for (int lane = 0; lane < gate.lanes(); lane++) {
            gauges.add("wallaroo_lane_queued_messages", "Messages waiting in a lane's queue",
                    GaugeDataPointSnapshot.builder().labels(Labels.of("lane", Integer.toString(lane))).value(gate.queued(lane)).build());
        }
        for (int id = 0; id < sinks.size(); id++) {
            Sink s = sinks.get(id);
            Labels labels = sinkLabels(app, id, s);
            gauges.add("wallaroo_sink_connected", "1 while a sink can deliver to its receiver",
                    GaugeDataPointSnapshot.builder().labels(labels).value(s.connected() ? 1 : 0).build());
            if (s.bufferedBytes() >= 0) {
                gauges.add("wallaroo_sink_buffered_bytes", "Output a sink holds for its receiver",
                        GaugeDataPointSnapshot.builder().labels(labels).value(s.bufferedBytes()).build());
            }
            if (s.bufferLimit() > 0) {
                gauges.add("wallaroo_sink_buffer_limit_bytes", "Output a sink holds before it blocks the lanes",
                        GaugeDataPointSnapshot.builder().labels(labels).value(s.bufferLimit()).build());
            }
        }
        gauges.add("wallaroo_lanes", "Parallel lanes", GaugeDataPointSnapshot.builder().value(gate.lanes()).build());
        gauges.add("wallaroo_jit_enabled", "1 when GraalPy compiles Python to machine code (JVMCI and the Graal compiler are on)",
                GaugeDataPointSnapshot.builder().value(jit.getAsBoolean() ? 1 : 0).build());
        gauges.add("wallaroo_ready", "1 once the application takes input and every sink is connected",
                GaugeDataPointSnapshot.builder().value(ready.getAsBoolean() ? 1 : 0).build());
        gauges.forEach((name, help, points) -> {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            points.forEach(b::dataPoint);
            out.metricSnapshot(b.build());
        });

        Families<HistogramDataPointSnapshot> histograms = new Families<>();
        sampler.cumulative().forEach((raw, h) -> {
            String base = raw.endsWith("_us") ? raw.substring(0, raw.length() - 3) : raw;
            MetricName n = MetricName.of(base, app);
            String help = base.startsWith("pipeline.")
                    ? "Time from a batch's bytes being read to all its output written to the sinks, per message"
                    : base.startsWith("lane.") ? "Time a lane spent on one batch (user code and handing its output on)"
                    : "Recorded durations of " + base.replaceAll("\\.\\d+", ".N");
            histograms.add(n.family() + "_seconds", help, histogram(h, Labels.of(labels(n.labels()))));
        });
        histograms.forEach((name, help, points) -> {
            HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help);
            points.forEach(b::dataPoint);
            out.metricSnapshot(b.build());
        });
        return out.build();
    }

    /** Buckets counted from the recorded values (microseconds), as Prometheus expects them: seconds. */
    static HistogramDataPointSnapshot histogram(Histogram h, Labels labels) {
        long[] counts = new long[BOUNDS.length];
        double sum = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            double seconds = h.highestEquivalentValue(v.getValueIteratedTo()) / 1e6;
            double value = v.getValueIteratedTo() / 1e6;
            int bucket = 0;
            while (BOUNDS[bucket] < seconds && bucket < BOUNDS.length - 1) {
                bucket++;
            }
            counts[bucket] += v.getCountAtValueIteratedTo();
            sum += value * v.getCountAtValueIteratedTo();
        }
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS, counts)).sum(sum).build();
    }

    private static Labels sinkLabels(Application app, int id, Sink sink) {
        return Labels.of("sink", Integer.toString(id), "pipeline", MetricName.sinkPipeline(app, id).orElse(""));
    }

    private static String[] labels(Map<String, String> map) {
        String[] pairs = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return pairs;
    }

    /** Data points grouped by family name, keeping the first help text. */
    private static final class Families<P extends io.prometheus.metrics.model.snapshots.DataPointSnapshot> {
        private final Map<String, String> help = new TreeMap<>();
        private final Map<String, Map<Labels, P>> points = new TreeMap<>();

        void add(String family, String text, P point) {
            help.putIfAbsent(family, text);
            // Two raw names mapping to the same family and labels: keep the first, never emit duplicates.
            points.computeIfAbsent(family, k -> new java.util.LinkedHashMap<>()).putIfAbsent(point.getLabels(), point);
        }

        void forEach(FamilyConsumer<P> consumer) {
            points.forEach((name, byLabels) -> consumer.accept(name, help.get(name), byLabels.values()));
        }
    }

    @FunctionalInterface
    private interface FamilyConsumer<P> {
        void accept(String name, String help, java.util.Collection<P> points);
    }
}
