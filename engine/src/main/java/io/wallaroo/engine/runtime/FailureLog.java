package io.wallaroo.engine.runtime;

import io.wallaroo.engine.LogThrottle;
import io.wallaroo.engine.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs messages dropped because user code raised: each one once, with its step, error and input,
 * up to a per-step budget per second so a broken step cannot flood the log; the rest are counted
 * and summarised.
 */
final class FailureLog {
    private static final Logger LOG = LoggerFactory.getLogger("wallaroo.user-errors");
    private static final int PER_STEP_PER_SECOND = 5;

    private final Metrics metrics;
    private final ConcurrentHashMap<String, LogThrottle> throttles = new ConcurrentHashMap<>();

    FailureLog(Metrics metrics) {
        this.metrics = metrics;
    }

    void record(StepFailure failure) {
        metrics.add("errors." + failure.step(), 1);
        metrics.add("errors.total", 1);
        long suppressed = throttles.computeIfAbsent(failure.step(), k -> new LogThrottle(PER_STEP_PER_SECOND)).admit();
        if (suppressed >= 0) {
            String more = suppressed > 0 ? " (" + suppressed + " more failures in this step were not logged)" : "";
            LOG.warn("step '{}' raised {} on input {}; the message was dropped, processing goes on{}",
                    failure.step(), failure.error(), failure.input(), more);
        }
    }
}
