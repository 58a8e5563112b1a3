package io.wallaroo.python;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up trace counts from the process's real start, to the hundredth of a second. */
class StartupTraceTest {

    @Test
    void theProcessAgeAgreesWithTheJvmsOwnUptime() {
        long jvmUptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long ageMs = StartupTrace.ProcessAge.nanos() / 1_000_000;
        // The JVM starts timing a few milliseconds after the process is created, so the process is
        // a little older, never younger beyond /proc's 10 ms tick. The old reading, from the boot
        // time in whole seconds, was off by up to a second.
        assertTrue(ageMs >= jvmUptimeMs - 20, "process age " + ageMs + " ms against JVM uptime " + jvmUptimeMs + " ms");
        assertTrue(ageMs <= jvmUptimeMs + 500, "process age " + ageMs + " ms against JVM uptime " + jvmUptimeMs + " ms");
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "4242 (odd (name) here) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 3 0 12345 1000 50";
        // Started at tick 12345, 123.45 s after boot; now 130 s after boot.
        assertEquals(6_550_000_000L, StartupTrace.ProcessAge.nanosFrom(130.0, stat));
    }
}
