package io.wallaroo.engine.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs messages dropped because user code raised: each one once, with its step, error and input,
 * up to a per-step budget per second so a broken step cannot flood the log; the rest are counted
 * and summarised.
 */
final class FailureLog {
    private static final Logger LOG = LoggerFactory.getLogger("wallaroo.user-errors");
    private static final int PER_STEP_PER_SECOND = 5;

    private final Metrics metrics;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    FailureLog(Metrics metrics) {
        this.metrics = metrics;
    }

    void record(StepFailure failure) {
        metrics.add("errors." + failure.step(), 1);
        metrics.add("errors.total", 1);
        Window window = windows.computeIfAbsent(failure.step(), k -> new Window());
        long suppressed = window.admit();
        if (suppressed >= 0) {
            String more = suppressed > 0 ? " (" + suppressed + " more failures in this step were not logged)" : "";
            LOG.warn("step '{}' raised {} on input {}; the message was dropped, processing goes on{}",
                    failure.step(), failure.error(), failure.input(), more);
        }
    }

    private static final class Window {
        private long second;
        private int logged;
        private final AtomicLong suppressed = new AtomicLong();

        /** Returns the count suppressed since the last logged line, or -1 when this one is suppressed. */
        synchronized long admit() {
            long now = System.nanoTime() / 1_000_000_000L;
            if (now != second) {
                second = now;
                logged = 0;
            }
            if (logged < PER_STEP_PER_SECOND) {
                logged++;
                return suppressed.getAndSet(0);
            }
            suppressed.incrementAndGet();
            return -1;
        }
    }
}
