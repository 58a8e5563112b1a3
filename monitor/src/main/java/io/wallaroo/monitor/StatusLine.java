package io.wallaroo.monitor;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Logs one line every N seconds while the application runs: messages per second in and out,
 * p99 latency over those seconds, errors, and whether back-pressure holds the inputs. Quiet
 * intervals (nothing in, out or paused) print nothing, so an idle application does not fill the log.
 */
public final class StatusLine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("wallaroo.status");

    private final Sampler sampler;
    private final ScheduledExecutorService timer;
    private Tick previous;
    private Map<String, Histogram> previousLatency = new HashMap<>();

    private StatusLine(Sampler sampler, int seconds) {
        this.sampler = sampler;
        this.previous = sampler.latest();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wallaroo-status-line");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::print, seconds, seconds, TimeUnit.SECONDS);
    }

    public static StatusLine start(Sampler sampler, int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("status interval must be at least 1 second");
        }
        return new StatusLine(sampler, seconds);
    }

    private void print() {
        try {
            String line = line();
            if (line != null) {
                LOG.info(line);
            }
        } catch (RuntimeException e) {
            LOG.debug("status line failed", e);
        }
    }

    /** The line for the interval since the last call, or null when nothing happened. */
    String line() {
        Tick now = sampler.latest();
        Map<String, Histogram> latency = sampler.cumulative();
        Application app = sampler.engine().application();
        double seconds = Math.max(1e-3, (now.nanos() - previous.nanos()) / 1e9);
        long in = 0, out = 0;
        Histogram interval = new Histogram(2);
        for (Pipeline p : app.pipelines()) {
            in += delta(now, "source." + p.id() + ".messages");
            for (int i = 0; i < p.sinks().size(); i++) {
                out += delta(now, "sink." + app.sinkId(p.id(), i) + ".messages");
            }
            String name = "pipeline." + p.id() + ".latency_us";
            Histogram total = latency.get(name);
            if (total != null) {
                Histogram since = total.copy();
                Histogram before = previousLatency.get(name);
                if (before != null) {
                    since.subtract(before);
                }
                interval.add(since);
            }
        }
        long errors = delta(now, "errors.total");
        boolean pausedSince = now.pausedNanos() > previous.pausedNanos() || now.paused();
        previous = now;
        previousLatency = latency;
        if (in == 0 && out == 0 && errors == 0 && !pausedSince) {
            return null;
        }
        String p99 = interval.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.2f ms", interval.getValueAtPercentile(99) / 1000.0);
        return String.format(Locale.ROOT, "status: in %.0f msg/s, out %.0f msg/s, p99 %s, errors %d, %s",
                in / seconds, out / seconds, p99, errors,
                now.paused() ? "PAUSED by back-pressure" : pausedSince ? "paused for part of the interval" : "not paused");
    }

    private long delta(Tick now, String counter) {
        return now.counter(counter) - previous.counter(counter);
    }

    Sampler sampler() {
        return sampler;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
