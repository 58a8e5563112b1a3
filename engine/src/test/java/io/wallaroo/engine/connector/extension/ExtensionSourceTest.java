package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.EngineSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source extension server against real sockets, with a script client written from the spec. */
class ExtensionSourceTest {
    private CollectingContext context;
    private ExtensionSource source;
    private int port;

    @BeforeEach
    void start() throws Exception {
        context = new CollectingContext(EngineSettings.defaults(1).withBatchMessages(4).withMaxFrameBytes(1024));
        source = new ExtensionSource("127.0.0.1", 0, "test");
        source.start(context);
        port = source.boundPort();
    }

    @AfterEach
    void stop() {
        source.close();
    }

    @Test
    void messagesArriveInTheOrderWrittenWithPayloadsIntact() throws Exception {
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "message " + i).toList();
        try (ScriptClient script = ScriptClient.source(port, "docs")) {
            for (int i = 0; i < sent.size(); i++) {
                script.message(sent.get(i), i % 2 == 0 ? "even" : null, i % 3 == 0 ? -1 : i);
            }
            script.bye();
            assertTrue(script.closedByEngine(), "the engine closes the connection after a bye");
        }
        assertEquals(sent, context.await(50, 5000));
        assertEquals(1, context.inlets.size());
        assertTrue(context.inlets.get(0).contains("'docs'"), context.inlets.toString());
    }

    @Test
    void resentSequencesAreDroppedAcrossConnectionsPerStreamAndPartition() throws Exception {
        try (ScriptClient first = ScriptClient.source(port, "docs")) {
            for (int seq = 1; seq <= 5; seq++) {
                first.message("a" + seq, "a", seq);
            }
        } // no bye: as if the script died
        context.await(5, 5000);
        try (ScriptClient restarted = ScriptClient.source(port, "docs")) {
            for (int seq = 1; seq <= 8; seq++) {
                restarted.message("a" + seq, "a", seq);   // 1..5 are resends
            }
            restarted.message("b1", "b", 1);              // another partition has its own sequences
            restarted.message("plain", "a", -1);          // no sequence: always taken
            restarted.message("a3-late", "a", 3);         // going backwards: a duplicate
            restarted.bye();
            assertTrue(restarted.closedByEngine());
        }
        try (ScriptClient other = ScriptClient.source(port, "other")) {
            other.message("other-a1", "a", 1);             // another stream name has its own sequences
            other.bye();
            assertTrue(other.closedByEngine());
        }
        List<String> expected = List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "b1", "plain", "other-a1");
        assertEquals(expected, context.await(expected.size(), 5000));
        Thread.sleep(100);
        assertEquals(expected, context.messages, "nothing more arrives");
        assertEquals(8, source.highestSequence("docs", "a"));
    }

    @Test
    void aRestoredSourceTellsScriptsWhereItStandsAndDropsWhatTheSnapshotHolds() throws Exception {
        ExtensionSource restored = new ExtensionSource("127.0.0.1", 0, "restored");
        restored.restore(java.util.Map.of(SequenceTracker.positionName("docs", "a"), 5L,
                SequenceTracker.positionName("docs", null), 2L, SequenceTracker.positionName("other", "a"), 9L));
        CollectingContext restoredContext = new CollectingContext(EngineSettings.defaults(1).withBatchMessages(4));
        restored.start(restoredContext);
        try (ScriptClient script = ScriptClient.source(restored.boundPort(), "docs")) {
            ScriptClient.Frame resume = script.readAnyFrame();
            assertEquals(ExtensionProtocol.RESUME, resume.type());
            java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(resume.body());
            assertEquals(2, body.getInt(), "the two partitions of this stream name only");
            java.util.Map<String, Long> got = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                String partition = null;
                if (body.get() == 1) {
                    byte[] name = new byte[body.getShort()];
                    body.get(name);
                    partition = new String(name, java.nio.charset.StandardCharsets.UTF_8);
                }
                got.put(partition, body.getLong());
            }
            assertEquals(5L, got.get("a"));
            assertEquals(2L, got.get(null));
            for (int seq = 4; seq <= 7; seq++) {
                script.message("a" + seq, "a", seq);
            }
            script.bye();
            assertTrue(script.closedByEngine());
        } finally {
            restored.close();
        }
        assertEquals(List.of("a6", "a7"), restoredContext.await(2, 5000), "5 and below were in the snapshot");
    }

    @Test
    void aBadFrameClosesOnlyItsConnection() throws Exception {
        try (ScriptClient good = ScriptClient.source(port, "good");
             ScriptClient bad = ScriptClient.source(port, "bad")) {
            good.message("before", null, -1);
            bad.message("bad-ok", null, -1);
            bad.raw(new byte[]{0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 2, 0});  // declares ~2 GB
            ScriptClient.Frame error = bad.readFrame();
            assertNotNull(error, "the engine says why before it closes");
            assertEquals(ExtensionProtocol.ERROR, error.type());
            assertTrue(error.text().contains("length"), error.text());
            assertTrue(bad.closedByEngine());
            good.message("after", null, -1);
            good.bye();
            assertTrue(good.closedByEngine());
        }
        List<String> got = context.await(3, 5000);
        assertTrue(got.containsAll(List.of("before", "bad-ok", "after")), got.toString());
        assertTrue(got.indexOf("before") < got.indexOf("after"));
    }

    @Test
    void garbageWithoutAHelloIsRefused() throws Exception {
        try (ScriptClient stranger = new ScriptClient(port)) {
            stranger.raw("GET / HTTP/1.1\r\n\r\n".getBytes());
            // "GET " read as a length is over the 1 KiB limit of this test
            ScriptClient.Frame error = stranger.readFrame();
            assertNotNull(error);
            assertTrue(stranger.closedByEngine());
        }
        try (ScriptClient noHello = new ScriptClient(port)) {
            noHello.message("x", null, -1);
            ScriptClient.Frame error = noHello.readFrame();
            assertNotNull(error);
            assertTrue(error.text().contains("first frame must be a hello"), error.text());
        }
        assertTrue(context.messages.isEmpty());
    }

    @Test
    void aSinkScriptOnTheSourcePortIsToldSo() throws Exception {
        try (ScriptClient wrongPort = ScriptClient.sink(port, "lost")) {
            ScriptClient.Frame error = wrongPort.readFrame();
            assertNotNull(error);
            assertTrue(error.text().contains("sink script"), error.text());
            assertTrue(wrongPort.closedByEngine());
        }
    }

    @Test
    void aMessageOverTheLimitClosesTheConnection() throws Exception {
        try (ScriptClient script = ScriptClient.source(port, "big")) {
            script.message("x".repeat(1025), null, -1);
            ScriptClient.Frame error = script.readFrame();
            assertNotNull(error);
            assertTrue(error.text().contains("over the limit"), error.text());
        }
    }

    @Test
    void pausedInputIsNotReadUntilResumed() throws Exception {
        try (ScriptClient script = ScriptClient.source(port, "slow")) {
            script.message("first", null, -1);
            assertEquals(List.of("first"), context.await(1, 5000));
            context.flows.get(0).pause();
            Thread.sleep(100);
            script.message("second", null, -1);
            Thread.sleep(300);
            assertEquals(List.of("first"), context.messages, "nothing is read while paused");
            context.flows.get(0).resume();
            assertEquals(List.of("first", "second"), context.await(2, 5000));
        }
    }

    @Test
    void aPauseStopsCuttingFramesAlreadyReadUntilResumed() throws Exception {
        context.pauseOnFirstBatch = true;
        java.io.ByteArrayOutputStream twenty = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            twenty.writeBytes(ScriptClient.messageFrame("m" + i, null, -1));
        }
        try (ScriptClient script = ScriptClient.source(port, "bulk")) {
            script.raw(twenty.toByteArray());   // one write: arrives in one read
            context.await(4, 5000);
            Thread.sleep(300);
            assertEquals(4, context.messages.size(), "one batch (of 4), then the rest waits: " + context.messages);
            context.flows.get(0).resume();
            List<String> all = context.await(20, 5000);
            assertEquals(IntStream.range(0, 20).mapToObj(i -> "m" + i).toList(), all);
        }
    }

    @Test
    void aConnectionCutInsideAFrameDeliversWhatCameBefore() throws Exception {
        try (ScriptClient script = ScriptClient.source(port, "cut")) {
            script.message("whole", "p", 1);
            script.raw(new byte[]{0, 0, 0, 20, 2, 0, 'h', 'a'});  // a frame missing its end
        }
        assertEquals(List.of("whole"), context.await(1, 5000));
        Thread.sleep(200);
        assertEquals(List.of("whole"), context.messages);
        assertTrue(context.closedInlets.isEmpty(), "a stream's inlet outlives its connections, for a restarted script");
        source.close();
        assertEquals(1, context.closedInlets.size(), "closing the source closes its inlets");
    }

    @Test
    void partitionsAreSpreadOverSeveralInletsAndEachKeepsItsOrder() throws Exception {
        CollectingContext wide = new CollectingContext(EngineSettings.defaults(4).withBatchMessages(4));
        ExtensionSource spread = new ExtensionSource("127.0.0.1", 0, "wide");
        spread.start(wide);
        try (ScriptClient script = ScriptClient.source(spread.boundPort(), "many")) {
            for (int i = 0; i < 200; i++) {
                script.message("p" + (i % 8) + ":" + i, "p" + (i % 8), i);
            }
            script.bye();
            assertTrue(script.closedByEngine());
            List<String> got = wide.await(200, 5000);
            assertEquals(200, got.size());
            assertTrue(wide.inlets.size() > 1, "more than one inlet: " + wide.inlets);
            for (int p = 0; p < 8; p++) {
                String prefix = "p" + p + ":";
                List<Integer> order = got.stream().filter(m -> m.startsWith(prefix))
                        .map(m -> Integer.parseInt(m.substring(prefix.length()))).toList();
                assertEquals(order.stream().sorted().toList(), order, "partition p" + p + " in order");
                assertEquals(25, order.size());
            }
        } finally {
            spread.close();
        }
    }
}
