package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.SinkRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink extension server against real sockets, with a script client written from the spec. */
class ExtensionSinkTest {
    private ExtensionSink sink;
    private final AtomicInteger completed = new AtomicInteger();

    private int start(long bufferLimit) {
        sink = new ExtensionSink("127.0.0.1", 0, bufferLimit, 0);
        sink.start();
        return sink.boundPort();
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
    }

    /** A chunk of records "prefix-from" .. "prefix-(to-1)" whose completion counts up {@link #completed}. */
    private SinkChunk chunk(String prefix, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            out.writeBytes(SinkRecords.encode(null, (prefix + "-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return new SinkChunk(out.toByteArray(), to - from, new Completion(completed::incrementAndGet));
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** Reads RECORDS frames until {@code n} values arrived, acknowledging after each frame. */
    private static List<String> readAll(ScriptClient script, int n, boolean ack) throws Exception {
        List<String> values = new ArrayList<>();
        while (values.size() < n) {
            ScriptClient.Frame frame = script.readFrame();
            assertNotNull(frame, "the engine closed the connection after " + values.size() + " values");
            assertEquals(ExtensionProtocol.RECORDS, frame.type());
            values.addAll(ScriptClient.values(frame.body()));
            if (ack) {
                script.ack(values.size());
            }
        }
        return values;
    }

    @Test
    void outputWrittenBeforeAnyScriptConnectsWaitsForIt() throws Exception {
        int port = start(1 << 20);
        sink.write(chunk("early", 0, 10));
        sink.write(chunk("early", 10, 20));
        assertFalse(sink.drain(200), "nothing can leave without a script");
        try (ScriptClient script = ScriptClient.sink(port, "late")) {
            assertEquals(expected("early", 0, 20), readAll(script, 20, false));
            assertEquals(0, completed.get(), "delivered is not done until acknowledged");
            script.ack(20);
            assertTrue(sink.drain(5000));
            assertEquals(2, completed.get());
        }
    }

    /** What a checkpointing host saves: sent-but-unacknowledged (less what was confirmed) and waiting output. */
    @Test
    void unacknowledgedListsWhatNoScriptHasConfirmed() throws Exception {
        int port = start(1 << 20);
        sink.write(chunk("u", 0, 10));
        assertEquals(expected("u", 0, 10), values(sink.unacknowledged()), "waiting for a script");
        try (ScriptClient script = ScriptClient.sink(port, "partial")) {
            assertEquals(expected("u", 0, 10), readAll(script, 10, false));
            script.ack(4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (values(sink.unacknowledged()).size() != 6 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(expected("u", 4, 10), values(sink.unacknowledged()), "sent, less the four confirmed");
            script.ack(10);
            assertTrue(sink.drain(5000));
            assertEquals(List.of(), sink.unacknowledged());
        }
    }

    private static List<String> values(List<byte[]> chunks) {
        List<String> out = new ArrayList<>();
        for (byte[] chunk : chunks) {
            SinkRecords.forEach(chunk, (k, v) -> out.add(new String(v, StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void whatAScriptDidNotAcknowledgeGoesToTheNextOne() throws Exception {
        int port = start(1 << 20);
        sink.write(chunk("m", 0, 10));
        sink.write(chunk("m", 10, 20));
        try (ScriptClient first = ScriptClient.sink(port, "first")) {
            assertEquals(expected("m", 0, 20), readAll(first, 20, false));
            first.ack(13);   // handled the first chunk and 3 records of the second, then dies
            long deadline = System.currentTimeMillis() + 5000;
            while (completed.get() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, completed.get());
        }
        try (ScriptClient second = ScriptClient.sink(port, "second")) {
            assertEquals(expected("m", 13, 20), readAll(second, 7, true), "only what was not acknowledged, in order");
            assertTrue(sink.drain(5000));
            assertEquals(2, completed.get());
        }
    }

    @Test
    void writeBlocksWhileTheBufferIsFullUntilAScriptTakesOutput() throws Exception {
        int port = start(100);   // bytes: one chunk fills it
        sink.write(chunk("full", 0, 10));
        CountDownLatch written = new CountDownLatch(1);
        Thread lane = new Thread(() -> {
            try {
                sink.write(chunk("more", 0, 1));
                written.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        lane.start();
        assertFalse(written.await(300, TimeUnit.MILLISECONDS), "write waits while the buffer is full");
        try (ScriptClient script = ScriptClient.sink(port, "drainer")) {
            List<String> values = readAll(script, 11, true);
            assertTrue(written.await(5, TimeUnit.SECONDS));
            assertEquals(11, values.size());
        }
        lane.join(5000);
    }

    @Test
    void twoScriptsShareTheOutputWithoutLosingOrRepeatingAny() throws Exception {
        int port = start(1 << 20);
        try (ScriptClient a = ScriptClient.sink(port, "a"); ScriptClient b = ScriptClient.sink(port, "b")) {
            Thread.sleep(200);   // both joined
            for (int i = 0; i < 10; i++) {
                sink.write(chunk("c", i * 5, i * 5 + 5));
            }
            List<String> seenA = new ArrayList<>();
            List<String> seenB = new ArrayList<>();
            Thread readerA = reader(a, seenA);
            Thread readerB = reader(b, seenB);
            assertTrue(sink.drain(5000), "every chunk acknowledged");
            a.close();
            b.close();
            readerA.join(5000);
            readerB.join(5000);
            assertFalse(seenA.isEmpty(), "the first script got work");
            assertFalse(seenB.isEmpty(), "the second script got work");
            Set<String> all = new HashSet<>(seenA);
            all.addAll(seenB);
            assertEquals(50, seenA.size() + seenB.size());
            assertEquals(new HashSet<>(expected("c", 0, 50)), all);
        }
    }

    private static Thread reader(ScriptClient script, List<String> into) {
        Thread t = new Thread(() -> {
            try {
                ScriptClient.Frame frame;
                while ((frame = script.readFrame()) != null) {
                    synchronized (into) {
                        into.addAll(ScriptClient.values(frame.body()));
                        script.ack(into.size());
                    }
                }
            } catch (Exception ignored) {
                // closed by the test
            }
        });
        t.start();
        return t;
    }

    @Test
    void anAcknowledgementOfMoreThanWasSentClosesTheConnectionAndKeepsTheOutput() throws Exception {
        int port = start(1 << 20);
        sink.write(chunk("k", 0, 3));
        try (ScriptClient liar = ScriptClient.sink(port, "liar")) {
            readAll(liar, 3, false);
            liar.ack(99);
            ScriptClient.Frame error = liar.readFrame();
            assertNotNull(error);
            assertEquals(ExtensionProtocol.ERROR, error.type());
            assertTrue(error.text().contains("acknowledgement of 99"), error.text());
        }
        try (ScriptClient honest = ScriptClient.sink(port, "honest")) {
            assertEquals(expected("k", 0, 3), readAll(honest, 3, true));
        }
        assertTrue(sink.drain(5000));
    }

    @Test
    void aSourceScriptOnTheSinkPortIsToldSo() throws Exception {
        int port = start(1 << 20);
        try (ScriptClient wrongPort = ScriptClient.source(port, "lost")) {
            ScriptClient.Frame error = wrongPort.readFrame();
            assertNotNull(error);
            assertTrue(error.text().contains("source script"), error.text());
        }
    }
}
