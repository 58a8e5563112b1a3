package io.wallaroo.monitor;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over an engine that is built but not started: no Python, no connectors, real HTTP. */
class MonitorTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private StreamEngine engine;
    private Sampler sampler;
    private Monitor monitor;

    @BeforeEach
    void setUp() {
        Application app = new Application("demo", List.of(new Pipeline(0, "Words", new SourceSpec.Tcp("127.0.0.1", 1, Framing.of(4, ">I")),
                List.of(new Step.Stateless("split", true, false)), List.of(new SinkSpec.Tcp("127.0.0.1", 2)))), Map.of());
        engine = new StreamEngine(app, (lane, lanes) -> new LaneExecutor() {
            @Override public void onFrames(int p, io.wallaroo.engine.connector.FrameBatch b, io.wallaroo.engine.runtime.LaneOutput o) {}
            @Override public void onRouted(io.wallaroo.engine.runtime.RoutedBatch b, io.wallaroo.engine.runtime.LaneOutput o) {}
        }, new Connectors(), EngineSettings.defaults(2));
        sampler = new Sampler(engine);
        monitor = Monitor.bind(MonitorAddress.parse("127.0.0.1:0"));
        monitor.attach(sampler, new Monitor.Facts("9.9.9", () -> true));
    }

    @AfterEach
    void tearDown() {
        monitor.close();
        sampler.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitor.address().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void exportsEveryRuntimeCounterAndRecorderThroughThePrometheusClient() throws Exception {
        engine.metrics().add("source.0.messages", 5);
        engine.metrics().add("sink.0.messages", 7);
        engine.metrics().add("errors.split", 2);
        engine.metrics().add("snapshot.count", 3);         // a counter nobody told the monitor about
        engine.metrics().gauge("snapshot.last_bytes", () -> 1234);
        engine.metrics().recorder("pipeline.0.latency_us").recordValueWithCount(1500, 4);
        engine.metrics().recorder("pipeline.0.latency_us").recordValue(40_000);

        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.contains("wallaroo_source_messages_total{pipeline=\"Words\",source=\"0\"} 5.0"), body);
        assertTrue(body.contains("wallaroo_sink_messages_total{pipeline=\"Words\",sink=\"0\"} 7.0"), body);
        assertTrue(body.contains("wallaroo_pipeline_messages_in_total{pipeline=\"Words\"} 5.0"), body);
        assertTrue(body.contains("wallaroo_pipeline_messages_out_total{pipeline=\"Words\"} 7.0"), body);
        assertTrue(body.contains("wallaroo_step_errors_total{step=\"split\"} 2.0"), body);
        assertTrue(body.contains("wallaroo_snapshot_count_total 3.0"), body);
        assertTrue(body.contains("wallaroo_snapshot_last_bytes 1234.0"), body);
        assertTrue(body.contains("wallaroo_pipeline_latency_seconds_count{pipeline=\"Words\"} 5"), body);
        assertTrue(body.contains("wallaroo_pipeline_latency_seconds_bucket{pipeline=\"Words\",le=\"0.001\"} 0"), body);
        assertTrue(body.contains("wallaroo_pipeline_latency_seconds_bucket{pipeline=\"Words\",le=\"0.0025\"} 4"), body);
        assertTrue(body.contains("wallaroo_pipeline_latency_seconds_bucket{pipeline=\"Words\",le=\"0.05\"} 5"), body);
        assertTrue(body.contains("wallaroo_lane_queued_messages{lane=\"1\"} 0.0"), body);
        assertTrue(body.contains("wallaroo_jit_enabled 1.0"), body);
        assertTrue(body.contains("jvm_memory_used_bytes"), body);

        // Scraping again sees the same totals: the monitor keeps what it took from the recorders.
        assertTrue(get("/metrics").body().contains("wallaroo_pipeline_latency_seconds_count{pipeline=\"Words\"} 5"));
    }

    @Test
    void readyOnlyAfterStartHealthAlwaysUnknownPaths404() throws Exception {
        assertEquals(200, get("/health").statusCode());
        HttpResponse<String> notYet = get("/ready");
        assertEquals(503, notYet.statusCode());
        assertTrue(notYet.body().startsWith("starting"), notYet.body());
        monitor.started(); // the engine has no sinks running here, so nothing else to wait for
        assertEquals(200, get("/ready").statusCode());
        assertEquals(404, get("/metrics/x").statusCode());
        assertEquals(404, get("/favicon.ico").statusCode());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Wallaroo monitor</title>"));
        HttpResponse<String> state = get("/api/state");
        assertTrue(state.body().contains("\"name\":\"split\"") && state.body().contains("\"version\":\"9.9.9\""), state.body());
    }

    @Test
    void aTakenOrMalformedAddressNamesTheFlag() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MonitorException e = assertThrows(MonitorException.class,
                    () -> Monitor.bind(MonitorAddress.parse("127.0.0.1:" + taken.getLocalPort())));
            assertTrue(e.getMessage().startsWith("--monitor 127.0.0.1:" + taken.getLocalPort() + ": cannot listen there"), e.getMessage());
        }
        assertTrue(assertThrows(MonitorException.class, () -> MonitorAddress.parse("9090")).getMessage().contains("HOST:PORT"));
        assertTrue(assertThrows(MonitorException.class, () -> MonitorAddress.parse("localhost:http")).getMessage().contains("not a number"));
        assertTrue(assertThrows(MonitorException.class, () -> MonitorAddress.parse("localhost:70000")).getMessage().contains("65535"));
    }

    @Test
    void counterNamesBecomeFamiliesWithLabels() {
        Application app = engine.application();
        assertEquals(new MetricName("wallaroo_routed_messages", Map.of("from_lane", "0", "to_lane", "1")),
                MetricName.of("routed.0.1.messages", app));
        assertEquals(new MetricName("wallaroo_step_errors", Map.of("step", "split words.v2")), MetricName.of("errors.split words.v2", app));
        assertEquals(new MetricName("wallaroo_errors", Map.of()), MetricName.of("errors.total", app));
        assertEquals(new MetricName("wallaroo_lane_crashes", Map.of()), MetricName.of("lane.crashes", app));
        assertEquals(new MetricName("wallaroo_sink_too_large", Map.of("sink", "0", "pipeline", "Words")), MetricName.of("sink.0.too_large", app));
        assertEquals(new MetricName("wallaroo_step_messages_in", Map.of("pipeline", "Words", "step", "split", "index", "0")),
                MetricName.of("step.0.0.messages", app));
        assertEquals(new MetricName("wallaroo_pipeline_messages_to_sinks", Map.of("pipeline", "Words")),
                MetricName.of("step.0.1.messages", app), "the index past the last step is the pipeline's sinks");
    }
}
