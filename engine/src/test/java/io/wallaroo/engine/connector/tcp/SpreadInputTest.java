package io.wallaroo.engine.connector.tcp;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.LaneOutput;
import io.wallaroo.engine.runtime.RoutedBatch;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.testing.ListenPorts;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One connection's batches spread over every lane, with lanes that finish them at different
 * speeds: each key's state still sees the key's messages in the order they were sent.
 */
class SpreadInputTest {
    private static final int KEYS = 30;
    private static final int PER_KEY = 200;
    private StreamEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * Keyed user code without Python: a message is {@code key:seq}; every message goes to the
     * key's owner (as the Python runner does for a spread pipeline), which checks and counts it.
     * Even lanes take a millisecond longer over each input batch, so batches finish out of order.
     */
    private static final class KeyedCounter implements LaneExecutor {
        private final int lane;
        private final int lanes;
        private final Map<String, Integer> seen = new HashMap<>();

        KeyedCounter(int lane, int lanes) {
            this.lane = lane;
            this.lanes = lanes;
        }

        @Override
        public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
            List<List<String>> byOwner = new ArrayList<>();
            for (int i = 0; i < lanes; i++) {
                byOwner.add(new ArrayList<>());
            }
            int at = 0;
            for (int i = 0; i < batch.count(); i++) {
                String text = new String(batch.data(), at, batch.lengths()[i], StandardCharsets.UTF_8);
                at += batch.lengths()[i];
                String key = text.substring(0, text.indexOf(':'));
                byOwner.get(Math.floorMod(key.hashCode(), lanes)).add(text);
            }
            if (lane % 2 == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int owner = 0; owner < lanes; owner++) {
                if (!byOwner.get(owner).isEmpty()) {
                    out.route(owner, String.join("\n", byOwner.get(owner)), byOwner.get(owner).size());
                }
            }
        }

        @Override
        public void onRouted(RoutedBatch batch, LaneOutput out) {
            StringBuilder lines = new StringBuilder();
            String[] messages = ((String) batch.payload()).split("\n");
            for (String text : messages) {
                int colon = text.indexOf(':');
                String key = text.substring(0, colon);
                int count = seen.merge(key, 1, Integer::sum);
                lines.append(key).append(' ').append(text.substring(colon + 1)).append(' ').append(count)
                        .append(' ').append(lane).append('\n');
            }
            out.emit(0, lines.toString().getBytes(StandardCharsets.UTF_8), messages.length);
        }
    }

    private static int freePort() throws IOException {
        return ListenPorts.free();
    }

    @ParameterizedTest(name = "{0} lanes")
    @ValueSource(ints = {2, 3})
    void eachKeyKeepsItsOrderWhenOneConnectionRunsOnEveryLane(int lanes) throws Exception {
        try (TcpConnectorsTest.Receiver receiver = new TcpConnectorsTest.Receiver()) {
            int in = freePort();
            Application app = new Application("spread", List.of(new Pipeline(0, "p",
                    new SourceSpec.Tcp("127.0.0.1", in, Framing.of(4, ">I")),
                    List.of(new Step.Stateful("count", false, "counts")),
                    List.of(new SinkSpec.Tcp("127.0.0.1", receiver.port())))),
                    Map.of("counts", new StateDefinition("counts", "C", new StateDefinition.Keyed("key", false, 0))));
            // Small batches: many of them, so every lane gets some and they overtake each other.
            engine = new StreamEngine(app, KeyedCounter::new, new Connectors(),
                    EngineSettings.defaults(lanes).withBatchMessages(16));
            engine.start();
            try (Socket s = new Socket("127.0.0.1", in)) {
                OutputStream o = s.getOutputStream();
                for (int seq = 0; seq < PER_KEY; seq++) {
                    for (int k = 0; k < KEYS; k++) {
                        byte[] b = ("k" + k + ":" + seq).getBytes(StandardCharsets.UTF_8);
                        o.write(ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array());
                    }
                    o.flush();
                }
                List<String> lines = receiver.await(KEYS * PER_KEY, Duration.ofSeconds(60));
                assertEquals(KEYS * PER_KEY, lines.size());
                Map<String, Integer> next = new HashMap<>();
                for (String line : lines) {
                    String[] f = line.split(" ");
                    int expected = next.getOrDefault(f[0], 0);
                    assertEquals(expected, Integer.parseInt(f[1]), "messages of " + f[0] + " out of order");
                    assertEquals(expected + 1, Integer.parseInt(f[2]), "the state of " + f[0] + " saw each once");
                    next.put(f[0], expected + 1);
                }
                for (int lane = 0; lane < lanes; lane++) {
                    long batches = engine.metrics().get("lane." + lane + ".input_batches");
                    assertTrue(batches > 0, "lane " + lane + " ran some of the connection's batches");
                }
            }
        }
    }
}
