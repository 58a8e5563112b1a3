package io.wallaroo.python.cli;

import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.monitor.Monitor;
import io.wallaroo.monitor.MonitorAddress;
import io.wallaroo.monitor.Sampler;
import io.wallaroo.monitor.StatusLine;

import java.util.function.BooleanSupplier;

/**
 * The launcher's side of {@code --monitor} and {@code --status-interval}: binds the endpoint
 * first (so a taken address fails before the slow start-up), then watches the engine with one
 * sampler shared by the endpoint and the status line.
 */
final class Monitoring implements AutoCloseable {
    private final Monitor monitor;
    private final int statusSeconds;
    private Sampler sampler;
    private StatusLine status;

    private Monitoring(Monitor monitor, int statusSeconds) {
        this.monitor = monitor;
        this.statusSeconds = statusSeconds;
    }

    /** Throws {@link io.wallaroo.monitor.MonitorException} naming the flag when the address is bad or taken. */
    static Monitoring open(String monitorAddress, int statusSeconds) {
        Monitor monitor = null;
        if (monitorAddress != null) {
            monitor = Monitor.bind(MonitorAddress.parse(monitorAddress));
            var bound = monitor.address();
            System.out.println("wallaroo: monitor on http://" + bound.getHostString() + ":" + bound.getPort()
                    + "/ (live page; Prometheus at /metrics, probes at /health and /ready)");
        }
        return new Monitoring(monitor, statusSeconds);
    }

    void attach(StreamEngine engine, String version, BooleanSupplier jit) {
        if (monitor == null && statusSeconds <= 0) {
            return;
        }
        sampler = new Sampler(engine);
        if (monitor != null) {
            monitor.attach(sampler, new Monitor.Facts(version, jit));
        }
        if (statusSeconds > 0) {
            status = StatusLine.start(sampler, statusSeconds);
        }
    }

    void started() {
        if (monitor != null) {
            monitor.started();
        }
    }

    @Override
    public void close() {
        if (status != null) status.close();
        if (monitor != null) monitor.close();
        if (sampler != null) sampler.close();
    }
}
