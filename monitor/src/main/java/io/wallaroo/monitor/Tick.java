package io.wallaroo.monitor;

import java.util.List;
import java.util.Map;

/**
 * What the sampler saw at one moment: counter totals and their rates over the last interval,
 * the latency percentiles of that interval, and the engine's flow state. Immutable, so readers
 * (the page, the status line) never hold a lock the sampler needs.
 *
 * @param rates        per second, over the interval since the previous tick
 * @param latency      per recorder name, of the values recorded during that interval
 * @param compileShare share of one core the JVM's JIT compilers were busy during the interval
 */
record Tick(long nanos, long epochMillis, Map<String, Long> counters, Map<String, Double> rates,
            Map<String, Long> gauges, Map<String, Percentiles> latency, boolean paused, long pauses,
            long pausedNanos, int[] queued, List<SinkState> sinks, double compileShare,
            long heapUsed, long heapMax) {

    double rate(String counter) {
        return rates.getOrDefault(counter, 0.0);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** Percentiles in milliseconds; NaN when nothing was recorded. */
    record Percentiles(long count, double p50, double p95, double p99, double p999, double max) {
        static final Percentiles EMPTY = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        static Percentiles of(org.HdrHistogram.Histogram h) {
            if (h.getTotalCount() == 0) {
                return EMPTY;
            }
            return new Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    record SinkState(int id, String pipeline, String description, boolean connected, long bufferedBytes,
                     long bufferLimit, long reconnects) {}
}
