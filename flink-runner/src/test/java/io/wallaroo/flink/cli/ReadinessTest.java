package io.wallaroo.flink.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading a job's task counts out of a session cluster's {@code /jobs/overview} answer. */
class ReadinessTest {
    private static final String OURS = "9b70d606264d9eba281e9fa3234b09d1";
    private static final String OTHER = "aa8c62d880e664d9812b09b6570c3730";

    private static String job(String id, String name, String tasks) {
        return "{\"jid\":\"" + id + "\",\"name\":\"" + name + "\",\"start-time\":1,\"end-time\":-1,\"duration\":5,"
                + "\"state\":\"RUNNING\",\"last-modification\":2,\"tasks\":{" + tasks + "},\"pending-operators\":0}";
    }

    private static String overview(String... jobs) {
        return "{\"jobs\":[" + String.join(",", jobs) + "]}";
    }

    @Test
    void readyWhenEveryTaskOfThatJobRunsOrFinished() {
        String running = "\"running\":2,\"canceling\":0,\"canceled\":0,\"total\":3,\"created\":0,\"scheduled\":0,"
                + "\"deploying\":0,\"reconciling\":0,\"finished\":1,\"initializing\":0,\"failed\":0";
        assertTrue(Readiness.allTasksRunning(overview(job(OURS, "Word {Count}", running)), OURS));
    }

    @Test
    void notReadyWhileATaskInitializes() {
        String starting = "\"running\":1,\"canceling\":0,\"canceled\":0,\"total\":2,\"created\":0,\"scheduled\":0,"
                + "\"deploying\":0,\"reconciling\":0,\"finished\":0,\"initializing\":1,\"failed\":0";
        assertFalse(Readiness.allTasksRunning(overview(job(OURS, "Word Count", starting)), OURS));
    }

    @Test
    void anotherJobRunningDoesNotCount() {
        String running = "\"running\":2,\"total\":2,\"finished\":0";
        String deploying = "\"running\":0,\"total\":2,\"deploying\":2,\"finished\":0";
        assertFalse(Readiness.allTasksRunning(overview(job(OTHER, "old", running), job(OURS, "new", deploying)), OURS));
        assertTrue(Readiness.allTasksRunning(overview(job(OTHER, "old", deploying), job(OURS, "new", running)), OURS));
    }

    @Test
    void aJobNotListedYetIsNotReady() {
        assertFalse(Readiness.allTasksRunning(overview(), OURS));
        assertFalse(Readiness.allTasksRunning(overview(job(OURS, "no tasks yet", "\"total\":0")), OURS));
    }
}
