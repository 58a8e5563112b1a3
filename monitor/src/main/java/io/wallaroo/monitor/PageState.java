package io.wallaroo.monitor;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.Step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds what the live page polls ({@code /api/state}): the topology with rates, lanes, history. */
final class PageState {
    /** JIT compilers busier than this share of a core mean the engine is still warming up. */
    static final double WARMING_COMPILE_SHARE = 0.25;

    private PageState() {}

    static Map<String, Object> of(Sampler sampler, Monitor.Facts facts, boolean ready, String readiness) {
        Application app = sampler.engine().application();
        Tick now = sampler.latest();
        List<Tick> history = sampler.history();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("application", app.name());
        state.put("version", facts.version());
        state.put("ready", ready);
        state.put("readiness", readiness);
        state.put("jit", facts.jit().getAsBoolean());
        state.put("compile_share", now.compileShare());
        state.put("warming", facts.jit().getAsBoolean() && now.compileShare() > WARMING_COMPILE_SHARE);
        state.put("paused", now.paused());
        state.put("pauses", now.pauses());
        state.put("paused_seconds", now.pausedNanos() / 1e9);
        state.put("heap_used", now.heapUsed());
        state.put("heap_max", now.heapMax());
        state.put("errors", now.counter("errors.total"));
        state.put("time", now.epochMillis());

        List<Object> pipelines = new ArrayList<>();
        for (Pipeline p : app.pipelines()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("id", p.id());
            pm.put("name", p.name());
            pm.put("source", describe(p));
            String in = "source." + p.id() + ".messages";
            pm.put("in_total", now.counter(in));
            pm.put("in_rate", now.rate(in));
            long outTotal = 0;
            double outRate = 0;
            List<Object> sinks = new ArrayList<>();
            for (int i = 0; i < p.sinks().size(); i++) {
                int id = app.sinkId(p.id(), i);
                String counter = "sink." + id + ".messages";
                outTotal += now.counter(counter);
                outRate += now.rate(counter);
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("id", id);
                sm.put("name", sinkName(p.sinks().get(i)));
                sm.put("total", now.counter(counter));
                sm.put("rate", now.rate(counter));
                now.sinks().stream().filter(s -> s.id() == id).findFirst().ifPresent(s -> {
                    sm.put("connected", s.connected());
                    sm.put("buffered", s.bufferedBytes());
                    sm.put("limit", s.bufferLimit());
                    sm.put("reconnects", s.reconnects());
                });
                sinks.add(sm);
            }
            pm.put("out_total", outTotal);
            pm.put("out_rate", outRate);
            List<Object> steps = new ArrayList<>();
            long errors = 0;
            for (int index = 0; index < p.steps().size(); index++) {
                Step step = p.steps().get(index);
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("name", step.name());
                String entered = io.wallaroo.engine.runtime.LaneOutput.stepCounter(p.id(), index);
                String passed = io.wallaroo.engine.runtime.LaneOutput.stepCounter(p.id(), index + 1);
                st.put("in_total", now.counter(entered));
                st.put("in_rate", now.rate(entered));
                st.put("out_total", now.counter(passed));
                st.put("out_rate", now.rate(passed));
                st.put("kind", step instanceof Step.Stateful s ? "state " + s.stateName() : "stateless");
                st.put("errors", now.counter("errors." + step.name()));
                st.put("error_rate", now.rate("errors." + step.name()));
                errors += now.counter("errors." + step.name());
                steps.add(st);
            }
            pm.put("steps", steps);
            pm.put("sinks", sinks);
            pm.put("errors", errors);
            pm.put("latency", percentiles(now.latency().get("pipeline." + p.id() + ".latency_us")));
            pm.put("history", history(history, p, app));
            pipelines.add(pm);
        }
        state.put("pipelines", pipelines);

        List<Object> lanes = new ArrayList<>();
        for (int lane = 0; lane < now.queued().length; lane++) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("lane", lane);
            lm.put("queued", now.queued()[lane]);
            lm.put("batch", percentiles(now.latency().get("lane." + lane + ".batch_us")));
            Map<String, Object> routed = new LinkedHashMap<>();
            for (int to = 0; to < now.queued().length; to++) {
                double rate = now.rate("routed." + lane + "." + to + ".messages");
                if (rate > 0 || now.counter("routed." + lane + "." + to + ".messages") > 0) {
                    routed.put(Integer.toString(to), rate);
                }
            }
            lm.put("routed_rate", routed);
            lanes.add(lm);
        }
        state.put("lanes", lanes);
        return state;
    }

    private static Map<String, Object> history(List<Tick> ticks, Pipeline p, Application app) {
        List<Object> t = new ArrayList<>(), in = new ArrayList<>(), out = new ArrayList<>();
        List<Object> p50 = new ArrayList<>(), p95 = new ArrayList<>(), p99 = new ArrayList<>(), p999 = new ArrayList<>();
        for (Tick tick : ticks) {
            t.add(tick.epochMillis() / 1000.0);
            in.add(tick.rate("source." + p.id() + ".messages"));
            double o = 0;
            for (int i = 0; i < p.sinks().size(); i++) {
                o += tick.rate("sink." + app.sinkId(p.id(), i) + ".messages");
            }
            out.add(o);
            Tick.Percentiles lat = tick.latency().getOrDefault("pipeline." + p.id() + ".latency_us", Tick.Percentiles.EMPTY);
            p50.add(lat.p50());
            p95.add(lat.p95());
            p99.add(lat.p99());
            p999.add(lat.p999());
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("t", t);
        h.put("in", in);
        h.put("out", out);
        h.put("p50", p50);
        h.put("p95", p95);
        h.put("p99", p99);
        h.put("p999", p999);
        return h;
    }

    private static Map<String, Object> percentiles(Tick.Percentiles p) {
        Tick.Percentiles v = p == null ? Tick.Percentiles.EMPTY : p;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.count());
        m.put("p50", v.p50());
        m.put("p95", v.p95());
        m.put("p99", v.p99());
        m.put("p999", v.p999());
        m.put("max", v.max());
        return m;
    }

    private static String describe(Pipeline p) {
        return switch (p.source()) {
            case io.wallaroo.engine.topology.SourceSpec.Tcp t -> "TCP " + t.host() + ":" + t.port();
            case io.wallaroo.engine.topology.SourceSpec.Kafka k -> "Kafka topic " + k.topic();
            case io.wallaroo.engine.topology.SourceSpec.Extension e -> "extension " + e.host() + ":" + e.port();
        };
    }

    private static String sinkName(SinkSpec spec) {
        return switch (spec) {
            case SinkSpec.Tcp t -> "TCP " + t.host() + ":" + t.port();
            case SinkSpec.Kafka k -> "Kafka topic " + k.topic();
            case SinkSpec.Extension e -> "extension " + e.host() + ":" + e.port();
        };
    }
}
