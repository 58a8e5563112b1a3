package io.wallaroo.python;

/**
 * Start-up phase timings, printed when {@code WALLAROO_STARTUP_TRACE=1} (the benchmarks set it to
 * report where the time to "ready" goes). Times are milliseconds since the process started (the
 * launcher script execs the JVM, so its own work is included), with the CPU time the process has
 * used so far, which says more than wall time on a busy machine.
 */
public final class StartupTrace {
    private static final boolean ON = "1".equals(System.getenv("WALLAROO_STARTUP_TRACE"));
    private static final long JVM_START = ON
            ? ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L) : 0L;

    private StartupTrace() {}

    public static boolean on() {
        return ON;
    }

    /** Prints {@code startup: <ms since JVM start> ms <what>} when tracing is on. */
    public static void mark(String what) {
        if (ON) {
            long cpu = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
            System.out.println("startup: " + (System.currentTimeMillis() - JVM_START) + " ms (cpu " + cpu + " ms) " + what
                    + " [" + Thread.currentThread().getName() + "]");
        }
    }
}
