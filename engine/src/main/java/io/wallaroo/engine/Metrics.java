package io.wallaroo.engine;

import org.HdrHistogram.Recorder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters of one engine run, readable while it runs. Besides counters it holds gauges (values
 * read when someone looks, such as a sink's buffered bytes) and latency recorders (wait-free for
 * the thread that records; one reader, the monitor, takes interval histograms from them).
 */
public final class Metrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();

    public void add(String name, long delta) {
        counters.computeIfAbsent(name, k -> new LongAdder()).add(delta);
    }

    /** Sets a level rather than adding to a sum (one writer per name: the reset and add are two steps). */
    public void set(String name, long value) {
        LongAdder adder = counters.computeIfAbsent(name, k -> new LongAdder());
        adder.reset();
        adder.add(value);
    }

    /** Raises a level to {@code value} if it is lower (a maximum; one writer per name). */
    public void raiseTo(String name, long value) {
        if (get(name) < value) {
            set(name, value);
        }
    }

    public long get(String name) {
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** A sorted copy of every counter. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counters.keySet().stream().sorted().forEach(k -> copy.put(k, counters.get(k).sum()));
        return copy;
    }

    /** Registers (or replaces) a value read on demand; the supplier must be cheap and thread-safe. */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /** A sorted copy of every gauge's current value. */
    public Map<String, Long> gauges() {
        Map<String, Long> copy = new LinkedHashMap<>();
        gauges.keySet().stream().sorted().forEach(k -> copy.put(k, gauges.get(k).getAsLong()));
        return copy;
    }

    /**
     * The recorder named {@code name}, created on first use. Values are microseconds by
     * convention (names end in {@code _us}); two significant digits keep each one small.
     */
    public Recorder recorder(String name) {
        return recorders.computeIfAbsent(name, k -> new Recorder(2));
    }

    /** Every recorder by name, sorted; only the monitor should take interval histograms from them. */
    public Map<String, Recorder> recorders() {
        Map<String, Recorder> copy = new LinkedHashMap<>();
        recorders.keySet().stream().sorted().forEach(k -> copy.put(k, recorders.get(k)));
        return copy;
    }
}
