package io.wallaroo.flink.warmup;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Whether this machine's CPU is wanted by something other than the warm-up, from the JVM's own
 * view of system and process CPU load (each figure covers the time since it was last asked).
 */
final class IdleCpu {
    /** How long the warm-up waits before asking again. */
    static final Duration PAUSE = Duration.ofMillis(250);
    /** Cores' worth of work by others that the warm-up gives way to. */
    private static final double BUSY_CORES = 0.5;

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final int cores = Runtime.getRuntime().availableProcessors();

    IdleCpu() {
        os.getCpuLoad();         // the first answers start the measuring intervals
        os.getProcessCpuLoad();
    }

    /**
     * Waits until this process has used less than {@link #BUSY_CORES} for one {@link #PAUSE}: a task
     * manager starting up (services, registration) is busy, one waiting for tasks is not. False when
     * {@code giveUp} says so first, when interrupted, or when it is still busy after {@code timeout}.
     */
    boolean awaitQuietProcess(Duration timeout, BooleanSupplier giveUp) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
                Thread.sleep(PAUSE.toMillis());
                if (cores(os.getProcessCpuLoad()) < BUSY_CORES) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Whether other processes used at least {@link #BUSY_CORES} since the last question. */
    boolean othersBusy() {
        double machine = os.getCpuLoad();
        double ours = os.getProcessCpuLoad();
        return machine >= 0 && ours >= 0 && cores(machine - ours) >= BUSY_CORES;
    }

    private double cores(double load) {
        return load * cores;
    }
}
