package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.SinkRecords;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.LaneOutput;
import io.wallaroo.engine.runtime.RoutedBatch;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.testing.ListenPorts;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Source script -> engine -> sink script through the real runtime, with a Java lane that upper-cases. */
class ExtensionRoundTripTest {

    /** The Python-free stand-in for user code: every message, upper-cased, to sink 0. */
    private static final class UpperCase implements LaneExecutor {
        @Override
        public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            int at = 0;
            for (int i = 0; i < batch.count(); i++) {
                String text = new String(batch.data(), at, batch.lengths()[i], StandardCharsets.UTF_8);
                at += batch.lengths()[i];
                records.writeBytes(SinkRecords.encode(null, text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
            }
            out.emit(0, records.toByteArray(), batch.count());
        }

        @Override
        public void onRouted(RoutedBatch batch, LaneOutput out) {
            throw new IllegalStateException("nothing is routed in this topology");
        }
    }

    private static int freePort() throws Exception {
        return ListenPorts.free();
    }

    @Test
    void messagesGoThroughTheEngineOnceEachEvenWhenTheSourceScriptResends() throws Exception {
        int in = freePort();
        int out = freePort();
        Pipeline pipeline = new Pipeline(0, "shout", new SourceSpec.Extension("127.0.0.1", in),
                List.of(new Step.Stateless("upper", false, false)), List.of(new SinkSpec.Extension("127.0.0.1", out)));
        Application app = new Application("round trip", List.of(pipeline), Map.of());
        try (StreamEngine engine = new StreamEngine(app, (lane, lanes) -> new UpperCase(), new Connectors(),
                EngineSettings.defaults(2).withBatchMessages(8))) {
            engine.start();
            try (ScriptClient first = ScriptClient.source(in, "words")) {
                for (int seq = 0; seq < 30; seq++) {
                    first.message("word " + seq, "p", seq);
                }
            } // dies without a bye
            try (ScriptClient restarted = ScriptClient.source(in, "words")) {
                for (int seq = 0; seq < 60; seq++) {
                    restarted.message("word " + seq, "p", seq);
                }
                restarted.bye();
                assertTrue(restarted.closedByEngine());
            }
            List<String> got = new ArrayList<>();
            try (ScriptClient sinkScript = ScriptClient.sink(out, "collector")) {
                while (got.size() < 60) {
                    ScriptClient.Frame frame = sinkScript.readFrame();
                    assertNotNull(frame, "engine closed the sink connection after " + got.size());
                    got.addAll(ScriptClient.values(frame.body()));
                    sinkScript.ack(got.size());
                }
                assertTrue(engine.awaitIdle(5000));
                List<String> expected = IntStream.range(0, 60).mapToObj(i -> "WORD " + i).toList();
                assertEquals(expected, got, "each message once, in order (both connections fed one lane at a time)");
            }
        }
    }
}
