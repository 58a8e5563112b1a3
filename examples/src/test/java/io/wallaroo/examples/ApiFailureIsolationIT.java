package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
