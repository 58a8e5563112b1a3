package io.wallaroo.flink.cli;

import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailureMessageTest {
    private static final String OURS = "cannot listen for input connections on 127.0.0.1:7010 (Address already in use); "
            + "is another process using that port? Pick a free one with --in";

    @Test
    void aTaskFailureThatCameOverTheWireReadsAsTheEngineWroteIt() {
        BindException fromTheJdk = new BindException("Address already in use");
        fromTheJdk.setStackTrace(new StackTraceElement[] {new StackTraceElement("sun.nio.ch.Net", "bind", "Net.java", 1)});
        IllegalStateException thrownInTask = new IllegalStateException(OURS, fromTheJdk);
        Throwable atClient = new ExecutionException("Job execution failed.",
                new RuntimeException("Recovery is suppressed", new SerializedThrowable(thrownInTask)));
        assertEquals(OURS, FailureMessage.of(atClient), "no class name in front, and not the JDK's message under it");
    }

    @Test
    void withoutAMessageOfOursTheDeepestOneIsGivenWithItsExceptionsName() {
        RuntimeException foreign = new RuntimeException("Job execution failed.", new java.io.IOException("Connection refused"));
        for (Throwable t = foreign; t != null; t = t.getCause()) {
            t.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.apache.flink.Somewhere", "run", "Somewhere.java", 1)});
        }
        assertEquals("IOException: Connection refused", FailureMessage.of(foreign));
    }

    @Test
    void aMissingModuleOrSlotsAreNamedWhereverTheyAre() {
        Throwable slots = new RuntimeException("outer", new SerializedThrowable(
                new IllegalStateException("not enough free task slots: 2 needed, 1 free")));
        assertEquals("not enough free task slots: 2 needed, 1 free", FailureMessage.of(slots));
    }
}
