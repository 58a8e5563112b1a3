package io.wallaroo.engine.connector.tcp;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.testing.ListenPorts;
import io.wallaroo.engine.testing.TransformingExecutor;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP source and sink through the real runtime, over loopback sockets, with Java user code. */
class TcpConnectorsTest {
    private StreamEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static int freePort() throws IOException {
        return ListenPorts.free();
    }

    private int startUppercasing(int outPort, EngineSettings settings, Duration perBatch) throws Exception {
        int in = freePort();
        Application app = new Application("upper", List.of(new Pipeline(0, "p",
                new SourceSpec.Tcp("127.0.0.1", in, Framing.of(4, ">I")), List.of(),
                List.of(new SinkSpec.Tcp("127.0.0.1", outPort)))), Map.of());
        engine = new StreamEngine(app, TransformingExecutor.factory(app,
                text -> new TransformingExecutor.Output(null, text.toUpperCase()), perBatch), new Connectors(), settings);
        engine.start();
        return in;
    }

    private static byte[] frame(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    @Test
    void framesAreProcessedInOrderPerConnection() throws Exception {
        try (Receiver receiver = new Receiver()) {
            int in = startUppercasing(receiver.port(), EngineSettings.defaults(2), Duration.ZERO);
            try (Socket a = new Socket("127.0.0.1", in); Socket b = new Socket("127.0.0.1", in)) {
                OutputStream oa = a.getOutputStream();
                OutputStream ob = b.getOutputStream();
                for (int i = 0; i < 2000; i++) {
                    oa.write(frame("a" + i));
                    ob.write(frame("b" + i));
                }
                // A frame split across writes still arrives whole.
                byte[] split = frame("split-frame");
                oa.write(split, 0, 3);
                oa.flush();
                Thread.sleep(50);
                oa.write(split, 3, split.length - 3);
                oa.flush();
            }
            List<String> lines = receiver.await(4001, Duration.ofSeconds(30));
            assertEquals(4001, lines.size());
            assertInOrder(lines, "A");
            assertInOrder(lines, "B");
            assertTrue(lines.contains("SPLIT-FRAME"));
        }
    }

    private static void assertInOrder(List<String> lines, String prefix) {
        int expected = 0;
        for (String line : lines) {
            if (line.startsWith(prefix) && !line.startsWith("SPLIT")) {
                assertEquals(prefix + expected, line);
                expected++;
            }
        }
        assertEquals(2000, expected);
    }

    @Test
    void anOversizedFrameClosesOnlyItsConnection() throws Exception {
        try (Receiver receiver = new Receiver()) {
            EngineSettings settings = EngineSettings.defaults(1).withMaxFrameBytes(1000);
            int in = startUppercasing(receiver.port(), settings, Duration.ZERO);
            try (Socket bad = new Socket("127.0.0.1", in); Socket good = new Socket("127.0.0.1", in)) {
                good.getOutputStream().write(frame("before"));
                bad.getOutputStream().write(ByteBuffer.allocate(4).putInt(5_000_000).array());
                bad.getOutputStream().flush();
                assertEquals(-1, bad.getInputStream().read(), "the engine closes the offending connection");
                good.getOutputStream().write(frame("after"));
                good.getOutputStream().flush();
                assertEquals(List.of("BEFORE", "AFTER"), receiver.await(2, Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void outputWaitsForALateReceiverAndSurvivesAReconnect() throws Exception {
        int outPort = freePort();
        int in = startUppercasing(outPort, EngineSettings.defaults(1), Duration.ZERO);
        try (Socket sender = new Socket("127.0.0.1", in)) {
            OutputStream out = sender.getOutputStream();
            for (int i = 0; i < 500; i++) {
                out.write(frame("early" + i));
            }
            out.flush();
            Thread.sleep(500); // output is produced while nobody listens
            Set<String> got = new HashSet<>();
            try (Receiver receiver = new Receiver(outPort)) {
                got.addAll(receiver.await(500, Duration.ofSeconds(20)));
                receiver.dropConnections(); // the receiver goes away; the sink reconnects
                for (int i = 0; i < 500; i++) {
                    out.write(frame("late" + i));
                }
                out.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline && !receiver.lines().containsAll(expectedLate())) {
                    Thread.sleep(20);
                }
                got.addAll(receiver.lines());
            }
            for (int i = 0; i < 500; i++) {
                assertTrue(got.contains("EARLY" + i), "EARLY" + i);
                assertTrue(got.contains("LATE" + i), "LATE" + i);
            }
        }
    }

    @Test
    void aSlowPipelinePausesTheSenderInsteadOfQueueingWithoutBound() throws Exception {
        try (Receiver receiver = new Receiver()) {
            EngineSettings settings = EngineSettings.defaults(1).withBatchMessages(100).withWatermarks(2_000, 500);
            int in = startUppercasing(receiver.port(), settings, Duration.ofMillis(5));
            int total = 60_000;
            Thread sender = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", in)) {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < total; i++) {
                        out.write(frame("m" + i));
                    }
                    out.flush();
                    // Stay connected: a closing connection hands over all it has already read.
                    while (receiver.count() < total) {
                        Thread.sleep(10);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            sender.start();
            int maxQueued = 0;
            while (receiver.count() < total && sender.isAlive() || receiver.count() < total) {
                maxQueued = Math.max(maxQueued, engine.flowGate().queued(0));
                Thread.sleep(2);
                if (receiver.count() >= total) {
                    break;
                }
            }
            sender.join();
            assertEquals(total, receiver.await(total, Duration.ofSeconds(60)).size(), "nothing lost");
            assertTrue(engine.flowGate().pauses() > 0, "inputs were paused");
            // A paused input delivers at most the batch it is cutting and the partial one flushed when
            // the socket read completes: the high watermark holds to within two batches.
            assertTrue(maxQueued <= 2_000 + 2 * 100, "queue stayed bounded, max " + maxQueued);
        }
    }

    private static List<String> expectedLate() {
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            late.add("LATE" + i);
        }
        return late;
    }

    /** A line receiver on loopback; accepts reconnections. */
    static final class Receiver implements AutoCloseable {
        private final ServerSocket server;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final List<Socket> connections = new CopyOnWriteArrayList<>();

        Receiver() throws IOException {
            this(0);
        }

        Receiver(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.add(s);
                        Thread r = new Thread(() -> read(s));
                        r.setDaemon(true);
                        r.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void read(Socket s) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        int count() {
            return lines.size();
        }

        List<String> await(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return new ArrayList<>(lines);
        }

        void dropConnections() throws IOException {
            for (Socket s : connections) {
                s.close();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            dropConnections();
        }
    }
}
