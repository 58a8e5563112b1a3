package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One bad message or one bad connection costs only itself: everything else keeps flowing. */
class ApiFailureIsolationIT {
    @TempDir
    Path dir;

    @Test
    void aUserExceptionDropsOnlyThatMessageAndIsLoggedOnceWithTheStep() throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "shout", List.of(in), List.of(receiver.port()), 1)) {
            engine.awaitReady();
            Framed.send(in, List.of("one", "two", "boom", "three", "four"));

            assertEquals(List.of("ONE", "TWO", "THREE", "FOUR"), receiver.await(4, Duration.ofSeconds(60)),
                    engine.outputText());
            engine.awaitLine("refusing to shout boom", Duration.ofSeconds(10));
            List<String> failures = engine.output().stream().filter(l -> l.contains("raised")).toList();
            assertEquals(1, failures.size(), "one log line for the one failure:\n" + engine.outputText());
            String line = failures.get(0);
            assertTrue(line.contains("step 'shout it'"), line);
            assertTrue(line.contains("ValueError: refusing to shout boom"), line);
            assertTrue(line.contains("'boom'"), "the input is shown: " + line);
            assertEquals(4, receiver.awaitQuiet(Duration.ofMillis(500), Duration.ofSeconds(5)).size());
        }
    }

    @Test
    void aMessageTooBigForTheHeapCostsOnlyItselfAndTheLogNamesTheCap() throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "shout", List.of(in), List.of(receiver.port()), 1)) {
            engine.awaitReady();
            Framed.send(in, List.of("one", "hog", "two"));

            assertEquals(List.of("ONE", "TWO"), receiver.await(2, Duration.ofSeconds(60)), engine.outputText());
            engine.awaitLine("raised MemoryError", Duration.ofSeconds(10));
            String line = engine.output().stream().filter(l -> l.contains("raised MemoryError")).findFirst().orElseThrow();
            assertTrue(line.contains("step 'shout it'") && line.contains("'hog'"), line);
            assertTrue(line.contains("Java heap is full") && line.contains("WALLAROO_JAVA_OPTS=-Xmx1g"), line);
        }
    }

    @Test
    void anOversizedFrameClosesOnlyItsOwnConnection() throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "shout", List.of(in), List.of(receiver.port()), 2,
                     "--max-frame-bytes", "64")) {
            engine.awaitReady();
            try (Socket good = Framed.connect(in); Socket bad = Framed.connect(in)) {
                sendAroundAnOversizedFrame(good, bad, receiver, engine);
            }
        }
    }

    private static void sendAroundAnOversizedFrame(Socket good, Socket bad, LineReceiver receiver, EngineProcess engine)
            throws Exception {
        OutputStream goodOut = good.getOutputStream();
        goodOut.write(Framed.frame("good before"));
        goodOut.flush();

        OutputStream badOut = bad.getOutputStream();
        badOut.write(Framed.frame("bad before"));
        badOut.write(ByteBuffer.allocate(4).putInt(65).array()); // one byte over the limit
        badOut.write(new byte[65]);
        badOut.flush();
        assertClosedByPeer(bad, engine);
        engine.awaitLine("closing input connection", Duration.ofSeconds(10));

        List<String> after = IntStream.range(0, 50).mapToObj(i -> "good after " + i).toList();
        for (String message : after) {
            goodOut.write(Framed.frame(message));
        }
        goodOut.write(Framed.frame("x".repeat(64))); // exactly the limit is still accepted
        goodOut.flush();

        List<String> expected = new ArrayList<>(List.of("GOOD BEFORE", "BAD BEFORE"));
        after.forEach(m -> expected.add(m.toUpperCase()));
        expected.add("X".repeat(64));
        List<String> received = receiver.await(expected.size(), Duration.ofSeconds(60));
        assertEquals(expected.stream().sorted().toList(), received.stream().sorted().toList(), engine.outputText());
        assertTrue(engine.outputText().contains("a frame declares 65 payload bytes"), engine.outputText());
    }

    /**
     * Every kind of user mistake, each in one message among good ones, on two lanes: each bad
     * message is counted under its step and logged once with what to fix; every good one arrives.
     * See apps/mistakes.py for what each tag does.
     */
    @Test
    void everyKindOfMistakeCostsOnlyItsOwnMessage() throws Exception {
        List<Integer> in = List.of(EngineProcess.freePort(), EngineProcess.freePort(), EngineProcess.freePort());
        // One lane per connection: which of the two keys crosses lanes (and so meets serialize and
        // deserialize) must not depend on which lane a batch happened to be spread to.
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = TestApp.start(dir, "mistakes", in, List.of(receiver.port()), 2, "--no-spread-input")) {
            engine.awaitReady();
            List<String> expected = new ArrayList<>();
            List<String> bad = List.of("multi-int", "multi-str", "unhashable", "u64-str", "arity", "enc-int");
            try (Socket socket = Framed.connect(in.get(0))) {
                OutputStream out = socket.getOutputStream();
                int i = 0;
                for (String tag : bad) {
                    for (int key = 0; key < 2; key++) {
                        String good = key + " good-" + i++;
                        out.write(Framed.frame(good));
                        expected.add(good);
                    }
                    out.write(Framed.frame((i % 2) + " " + tag));
                }
                out.write(Framed.frame(new byte[] {(byte) 0xff, 'x'})); // not UTF-8: the decoder raises
                for (String tag : List.of("ser-boom", "deser-boom")) {
                    out.write(Framed.frame("0 " + tag)); // exactly one of the two keys crosses lanes
                    out.write(Framed.frame("1 " + tag));
                }
                out.write(Framed.frame("1 last"));
                expected.add("1 last");
                out.flush();
            }
            Framed.send(in.get(1), List.of("a", "b", "c"));
            expected.addAll(List.of("first state b", "first state c"));
            expected.addAll(sendClassicLengths(in.get(2)));

            // ser-boom and deser-boom each arrive once: from the key whose state is on the entry lane.
            List<String> received = receiver.await(expected.size() + 2, Duration.ofSeconds(90));
            List<String> crossedNot = received.stream().filter(l -> l.endsWith("-boom")).sorted().toList();
            assertEquals(2, crossedNot.size(), engine.outputText() + "\n" + received);
            assertEquals(List.of("deser-boom", "ser-boom"),
                    crossedNot.stream().map(l -> l.substring(2)).sorted().toList(), crossedNot.toString());
            List<String> good = new ArrayList<>(received);
            good.removeAll(crossedNot);
            assertEquals(expected.stream().sorted().toList(), good.stream().sorted().toList(), engine.outputText());

            Map<String, String> fixes = Map.of(
                    "fan out", "must return a list of outputs (or None for none)",
                    "route_key", "must return a hashable key",
                    "remember", "must return a pair (output, save_state)",
                    "encode", "a TCP sink's encoder must return bytes or str");
            for (Map.Entry<String, String> fix : fixes.entrySet()) {
                engine.awaitLine(fix.getValue(), Duration.ofSeconds(10));
                assertTrue(engine.output().stream().anyMatch(l -> l.contains("step '" + fix.getKey() + "'")
                        && l.contains(fix.getValue())), fix + "\n" + engine.outputText());
            }
            engine.awaitLine("state 'seen' is partitioned with to_state_partition_u64, so its partition function must"
                    + " return an int from 0 to 2**64-1, got str '", Duration.ofSeconds(10));
            engine.awaitLine("serialize refuses ser-boom (in the module's serialize(obj)", Duration.ofSeconds(10));
            engine.awaitLine("deserialize refuses deser-boom (in the module's deserialize(bs)", Duration.ofSeconds(10));
            engine.awaitLine("first construction fails (raised by mistakes.FailsOnce() while making the entity of state"
                    + " 'fails once'", Duration.ofSeconds(10));
            engine.awaitLine("decoder DecimalHeader's payload_length(bs) returned -5", Duration.ofSeconds(10));
            engine.awaitLine("decoder DecimalHeader's payload_length(bs) raised ValueError", Duration.ofSeconds(10));
            engine.awaitLine("decoder DecimalHeader's payload_length(bs) returned float 2.5", Duration.ofSeconds(10));
            assertTrue(engine.output().stream().noneMatch(l -> l.contains("the batch is lost")), engine.outputText());

            // Each failure is counted and logged by the same call (FailureLog.record); the log stays
            // under its per-step budget here, so the lines per step are the counts per step.
            Map<String, Long> perStep = new HashMap<>();
            for (String l : engine.output()) {
                int at = l.indexOf("wallaroo.user-errors - step '");
                if (at >= 0) {
                    int from = at + "wallaroo.user-errors - step '".length();
                    perStep.merge(l.substring(from, l.indexOf('\'', from)), 1L, Long::sum);
                }
            }
            assertEquals(Map.of("fan out", 2L, "route_key", 2L, "remember", 3L, "encode", 1L, "decode", 1L,
                    "count it", 1L), perStep, "failures per step (remember: arity, ser-boom, deser-boom)");
        }
    }

    /**
     * Three connections to the classic pipeline each send good frames, then a header that
     * payload_length cannot read (negative, raises, a float): each is closed, with the reason,
     * after its good frames; a fourth connection is unaffected. Returns the lines expected.
     */
    private static List<String> sendClassicLengths(int port) throws Exception {
        List<String> expected = new ArrayList<>();
        try (Socket steady = Framed.connect(port)) {
            OutputStream steadyOut = steady.getOutputStream();
            int n = 0;
            for (String badHeader : List.of("-005", "abcd", "FLOT")) {
                try (Socket socket = Framed.connect(port)) {
                    OutputStream out = socket.getOutputStream();
                    String good = "before " + badHeader;
                    out.write(decimalFrame(good));
                    expected.add("classic " + good);
                    out.write((badHeader + "hello").getBytes(StandardCharsets.US_ASCII));
                    out.write(decimalFrame("never"));
                    out.flush();
                    socket.setSoTimeout(10_000);
                    try {
                        assertEquals(-1, socket.getInputStream().read());
                    } catch (IOException reset) {
                        // closed with unread input pending
                    }
                }
                String steadyMessage = "steady " + n++;
                steadyOut.write(decimalFrame(steadyMessage));
                steadyOut.flush();
                expected.add("classic " + steadyMessage);
            }
        }
        return expected;
    }

    private static byte[] decimalFrame(String text) {
        return (String.format("%04d", text.length()) + text).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads until the engine closes the socket (end of stream or reset); fails if it stays open. */
    private static void assertClosedByPeer(Socket socket, EngineProcess engine) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read(), "the engine sends nothing on an input connection");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection with the oversized frame is still open:\n" + engine.outputText());
        } catch (IOException reset) {
            // closed with unread input pending: a reset is a close too
        }
    }
}
