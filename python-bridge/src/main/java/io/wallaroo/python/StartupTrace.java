package io.wallaroo.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Start-up phase timings, printed when {@code WALLAROO_STARTUP_TRACE=1} (the benchmarks set it to
 * report where the time to "ready" goes). Times are milliseconds since the process started (the
 * launcher script execs the JVM, so its own work is included), with the CPU time the process has
 * used so far, which says more than wall time on a busy machine.
 */
public final class StartupTrace {
    private static final boolean ON = "1".equals(System.getenv("WALLAROO_STARTUP_TRACE"));
    /** {@link System#nanoTime()} at the moment the process started. */
    private static final long STARTED_NANOS = ON ? System.nanoTime() - ProcessAge.nanos() : 0L;

    private StartupTrace() {}

    public static boolean on() {
        return ON;
    }

    /** Prints {@code startup: <ms since the process started> ms <what>} when tracing is on. */
    public static void mark(String what) {
        if (ON) {
            long cpu = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
            System.out.println("startup: " + (System.nanoTime() - STARTED_NANOS) / 1_000_000 + " ms (cpu " + cpu + " ms) "
                    + what + " [" + Thread.currentThread().getName() + "]");
        }
    }

    /**
     * How long this process has been running. {@link ProcessHandle.Info#startInstant()} is not
     * precise enough: on Linux the JDK adds the start tick to the boot time from /proc/stat, which
     * has whole seconds, so every mark came out up to a second late (the same amount for every
     * launch since boot, which hid it). /proc/uptime and the start tick in /proc/self/stat count
     * from the same boot in hundredths of a second.
     */
    static final class ProcessAge {
        /** USER_HZ, the unit of /proc's start tick: 100 on every Linux architecture the JDK runs on. */
        private static final long TICKS_PER_SECOND = 100;

        private ProcessAge() {}

        static long nanos() {
            try {
                double uptimeSeconds = Double.parseDouble(Files.readAllLines(Path.of("/proc/uptime")).get(0).split(" ")[0]);
                return nanosFrom(uptimeSeconds, Files.readAllLines(Path.of("/proc/self/stat")).get(0));
            } catch (IOException | RuntimeException notLinux) {
                return ProcessHandle.current().info().startInstant()
                        .map(start -> (System.currentTimeMillis() - start.toEpochMilli()) * 1_000_000L).orElse(0L);
            }
        }

        /** The age given the uptime and a /proc/PID/stat line (whose second field, the command, may hold spaces). */
        static long nanosFrom(double uptimeSeconds, String statLine) {
            List<String> fields = List.of(statLine.substring(statLine.lastIndexOf(')') + 2).split(" "));
            long startTicks = Long.parseLong(fields.get(19));   // field 22 of the line; the list starts at field 3
            return Math.max(0L, (long) (uptimeSeconds * 1e9) - startTicks * (1_000_000_000L / TICKS_PER_SECOND));
        }
    }
}
