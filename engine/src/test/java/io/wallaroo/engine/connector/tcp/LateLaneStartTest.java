package io.wallaroo.engine.connector.tcp;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.runtime.LaneExecutorFactory;
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

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code start(false)}: input is taken as soon as lane 0 exists; a lane whose executor is still
 * being created queues its input and processes it, in order, once it is up.
 */
class LateLaneStartTest {
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

    private static byte[] frame(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    /** Lane 1's executor is created only after {@code release} opens; it throws {@code failure} if set. */
    private int start(int outPort, CountDownLatch release, RuntimeException failure) throws Exception {
        int in = freePort();
        Application app = new Application("late", List.of(new Pipeline(0, "p",
                new SourceSpec.Tcp("127.0.0.1", in, Framing.of(4, ">I")), List.of(),
                List.of(new SinkSpec.Tcp("127.0.0.1", outPort)))), Map.of());
        LaneExecutorFactory upper = TransformingExecutor.factory(app,
                text -> new TransformingExecutor.Output(null, text.toUpperCase()));
        LaneExecutorFactory slowSecondLane = (lane, lanes) -> {
            if (lane == 1) {
                release.await();
                if (failure != null) {
                    throw failure;
                }
            }
            return upper.create(lane, lanes);
        };
        engine = new StreamEngine(app, slowSecondLane, new Connectors(), EngineSettings.defaults(2));
        engine.start(false);
        return in;
    }

    @Test
    void inputForALaneStillStartingWaitsAndKeepsItsOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TcpConnectorsTest.Receiver receiver = new TcpConnectorsTest.Receiver()) {
            int in = start(receiver.port(), release, null);
            assertFalse(engine.lanesStarted().isDone(), "lane 1 is still starting");
            // Connections are given entry lanes round robin: the first to lane 0, the second to lane 1.
            try (Socket a = new Socket("127.0.0.1", in)) {
                OutputStream oa = a.getOutputStream();
                for (int i = 0; i < 100; i++) {
                    oa.write(frame("a" + i));
                }
                oa.flush();
                assertEquals(100, receiver.await(100, Duration.ofSeconds(30)).size(), "lane 0 works meanwhile");
                try (Socket b = new Socket("127.0.0.1", in)) {
                    OutputStream ob = b.getOutputStream();
                    for (int i = 0; i < 300; i++) {
                        ob.write(frame("b" + i));
                    }
                    ob.flush();
                    Thread.sleep(300);
                    assertEquals(100, receiver.count(), "lane 1 has not started, so its input waits");
                    release.countDown();
                    engine.lanesStarted().get(30, TimeUnit.SECONDS);
                    List<String> lines = receiver.await(400, Duration.ofSeconds(30));
                    List<String> fromB = lines.stream().filter(l -> l.startsWith("B")).toList();
                    assertEquals(300, fromB.size());
                    for (int i = 0; i < 300; i++) {
                        assertEquals("B" + i, fromB.get(i));
                    }
                }
            }
        }
    }

    @Test
    void aLaneThatFailsToStartIsReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TcpConnectorsTest.Receiver receiver = new TcpConnectorsTest.Receiver()) {
            start(receiver.port(), release, new IllegalStateException("setup differs on lane 1"));
            release.countDown();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> engine.lanesStarted().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("setup differs on lane 1"), e.getCause().toString());
        }
    }
}
