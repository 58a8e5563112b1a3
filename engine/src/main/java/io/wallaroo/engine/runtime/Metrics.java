package io.wallaroo.engine.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one engine run, readable while it runs. */
public final class Metrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

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
}
