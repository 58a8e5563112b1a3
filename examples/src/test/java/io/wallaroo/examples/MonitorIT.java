package io.wallaroo.examples;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Word count with {@code --monitor} on, as a user runs it: the Prometheus counters equal what was
 * sent and received, the latency histogram counts every message, {@code /ready} turns ready only
 * once the input listens, unknown paths are 404, and the live page in a real headless Chromium
 * shows the topology with rates that move.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorIT {
    private static final String PIPELINE = "pipeline=\"Split and Count\"";

    private final Path dir = EngineProcess.example("word_count");
    private List<String> lines;
    private int in;
    private int monitor;
    private LineReceiver receiver;
    private EngineProcess engine;
    /** /ready answers seen while starting, with whether the input port took a connection at that moment. */
    private final List<String> readinessWhileStarting = new ArrayList<>();
    private boolean inputListeningWhenReady;

    @BeforeAll
    void start() throws Exception {
        lines = Files.readAllLines(dir.resolve("data/count_this.txt")).stream().filter(l -> !l.isBlank()).toList();
        in = EngineProcess.freePort();
        monitor = EngineProcess.freePort();
        receiver = new LineReceiver(EngineProcess.freePort());
        engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(),
                "--monitor", "127.0.0.1:" + monitor, "--status-interval", "1", "--ponythreads", "2"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> ready = MonitorHttp.get(monitor, "/ready");
            if (ready != null && ready.statusCode() == 200) {
                inputListeningWhenReady = accepts(in);
                return;
            }
            if (ready != null) {
                readinessWhileStarting.add(ready.statusCode() + (accepts(in) ? " input listening" : " input closed"));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("/ready never turned 200:\n" + engine.outputText());
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) engine.close();
        if (receiver != null) receiver.close();
    }

    @Test
    @Order(1)
    void readyOnlyOnceTheApplicationTakesInput() {
        // The input may start listening a moment before /ready turns (sinks still connecting): ready is
        // conservative. What must never happen is ready without input, and not-ready is all that is seen
        // while the application loads.
        assertTrue(readinessWhileStarting.contains("503 input closed"),
                "the endpoint answered 503 while the application was still loading");
        Set<String> kinds = new LinkedHashSet<>(readinessWhileStarting);
        assertTrue(kinds.stream().allMatch(r -> r.startsWith("503 ")), "only 503 before ready, got " + kinds);
        assertTrue(inputListeningWhenReady, "once /ready says 200 the input takes connections");
    }

    @Test
    @Order(2)
    void countersEqualWhatWasSentAndReceived() throws Exception {
        Framed.send(in, lines);
        assertEquals(482, receiver.await(482, Duration.ofSeconds(90)).size(), engine.outputText());

        PrometheusText metrics = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) { // the last chunk's completion may trail its bytes by a moment
            HttpResponse<String> r = MonitorHttp.get(monitor, "/metrics");
            assertNotNull(r);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "Prometheus text format");
            metrics = new PrometheusText(r.body());
            if (metrics.get("wallaroo_pipeline_latency_seconds_count{" + PIPELINE + "}") == lines.size()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(lines.size(), metrics.sum("wallaroo_source_messages_total", PIPELINE), "messages in");
        assertEquals(lines.size(), metrics.get("wallaroo_pipeline_messages_in_total{" + PIPELINE + "}"));
        assertEquals(482, metrics.sum("wallaroo_sink_messages_total", PIPELINE), "messages out");
        assertEquals(482, metrics.get("wallaroo_pipeline_messages_out_total{" + PIPELINE + "}"));
        assertEquals(lines.size(), metrics.get("wallaroo_pipeline_latency_seconds_count{" + PIPELINE + "}"),
                "one latency observation per message taken in");
        assertEquals(lines.size(), metrics.get("wallaroo_pipeline_latency_seconds_bucket{" + PIPELINE + ",le=\"+Inf\"}"));
        assertTrue(metrics.get("wallaroo_pipeline_latency_seconds_sum{" + PIPELINE + "}") > 0);
        double batches = metrics.sum("wallaroo_source_batches_total", PIPELINE);
        assertTrue(batches >= 1 && batches <= lines.size(), "batches " + batches);
        assertTrue(metrics.sum("wallaroo_lane_batch_seconds_count") >= batches, "every batch was timed on its lane");
        // Counting a word happens on the lane that owns it: with 2 lanes some words cross.
        assertEquals(metrics.get("wallaroo_routed_messages_all_lanes_total"), metrics.sum("wallaroo_routed_messages_total"));
        assertTrue(metrics.sum("wallaroo_routed_messages_total") > 0, "words were routed between the two lanes");
        assertEquals(0.0, metrics.sum("wallaroo_step_errors_total"));
        // Per step, counted inside the fused Python call and reported once per batch: the split step
        // saw every line, the count step every word (482, each giving one count out), the sinks every count.
        String split = "index=\"0\"," + PIPELINE + ",step=\"split into words\"";
        String countWord = "index=\"1\"," + PIPELINE + ",step=\"Count Word\"";
        assertEquals(lines.size(), metrics.get("wallaroo_step_messages_in_total{" + split + "}"), "lines into the split step");
        assertEquals(482, metrics.get("wallaroo_step_messages_out_total{" + split + "}"), "words out of the split step");
        assertEquals(482, metrics.get("wallaroo_step_messages_in_total{" + countWord + "}"), "words into the count step");
        assertEquals(482, metrics.get("wallaroo_step_messages_out_total{" + countWord + "}"), "counts out of the count step");
        assertEquals(482, metrics.get("wallaroo_pipeline_messages_to_sinks_total{" + PIPELINE + "}"));
        assertEquals(1.0, metrics.get("wallaroo_ready"));
        assertEquals(1.0, metrics.get("wallaroo_sink_connected{pipeline=\"Split and Count\",sink=\"0\"}"));
        assertEquals(0.0, metrics.get("wallaroo_backpressure_paused"));
        assertEquals(2.0, metrics.get("wallaroo_lanes"));
        assertFalse(Double.isNaN(metrics.get("wallaroo_jit_enabled")));
        assertTrue(metrics.sum("jvm_memory_used_bytes") > 0, "JVM metrics are exported");

        assertEquals(200, MonitorHttp.get(monitor, "/health").statusCode());
        HttpResponse<String> missing = MonitorHttp.get(monitor, "/no/such/page");
        assertEquals(404, missing.statusCode());
        HttpResponse<String> state = MonitorHttp.get(monitor, "/api/state");
        assertEquals(200, state.statusCode());
        assertTrue(state.body().contains("\"split into words\"") && state.body().contains("\"Count Word\""), state.body());
        engine.awaitLine("status: in ", Duration.ofSeconds(10));
    }

    @Test
    @Order(3)
    void livePageShowsTheTopologyAndMovingRates() throws Exception {
        Path chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path driverBinary = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(chromium != null && driverBinary != null,
                "chromium and chromedriver are not installed (scripts/install-test-deps installs Debian's chromium and chromium-driver)");
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = new Thread(() -> sendInWaves(sending), "page-load");
        sender.setDaemon(true);
        sender.start();
        Path profile = Files.createTempDirectory("wallaroo-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1050");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://127.0.0.1:" + monitor + "/");
            awaitTrue(() -> !browser.findElements(By.cssSelector("g.node[data-step='split into words']")).isEmpty()
                    && !browser.findElements(By.cssSelector("g.node[data-step='Count Word']")).isEmpty(),
                    Duration.ofSeconds(20), "the topology shows both steps");
            assertFalse(browser.findElements(By.cssSelector("g.node.source")).isEmpty(), "the source is drawn");
            assertFalse(browser.findElements(By.cssSelector("g.node.sink")).isEmpty(), "the sink is drawn");
            String lanes = browser.findElement(By.id("lanes")).getText();
            assertTrue(lanes.contains("lane 0") && lanes.contains("lane 1"), lanes);

            // The page updates itself: the summary line's rates and totals change without a reload.
            Set<String> seen = new LinkedHashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
            while (System.nanoTime() < deadline && seen.size() < 4) {
                seen.add(textOf(browser, ".pipeline .psum"));
                Thread.sleep(700);
            }
            assertTrue(seen.size() >= 3, "the rates shown changed while data flowed: " + seen);
            assertTrue(seen.stream().anyMatch(s -> s.matches("in [1-9].*")), "a non-zero input rate was shown: " + seen);
            // Each step box shows its own rate in and out, and it moves too.
            Set<String> stepRates = new LinkedHashSet<>();
            long stepDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < stepDeadline && stepRates.size() < 3) {
                stepRates.add(textOf(browser, "g.node[data-step='Count Word'] text.step-rate"));
                Thread.sleep(700);
            }
            assertTrue(stepRates.stream().anyMatch(s -> s.matches("in [1-9].* · out [1-9].*")),
                    "the count step's box showed a non-zero rate in and out: " + stepRates);
            assertTrue(stepRates.size() >= 2, "the count step's rate changed while data flowed: " + stepRates);
            String splitRate = textOf(browser, "g.node[data-step='split into words'] text.step-rate");
            assertTrue(splitRate.matches("in .* · out .*"), "the split step's box shows its rate: " + splitRate);
            Thread.sleep(2_000); // a few more seconds of chart before the picture
            Path shot = Path.of("target", "monitor-page.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            System.out.println("live page screenshot: " + shot.toAbsolutePath());
        } finally {
            sending.set(false);
            browser.quit();
            sender.join(10_000);
        }
    }

    /**
     * The text of the element {@code css} selects now. The page redraws its boxes as new figures
     * arrive, so an element found a moment ago may be gone: find it again and read that one.
     */
    private static String textOf(ChromeDriver browser, String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                return browser.findElement(By.cssSelector(css)).getText();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Bursts of the corpus with growing pauses, so the rate the page shows keeps moving. */
    private void sendInWaves(AtomicBoolean sending) {
        int wave = 0;
        while (sending.get()) {
            try {
                Framed.send(in, lines);
                Thread.sleep(150L * (1 + wave++ % 5));
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    @Test
    @Order(4)
    void anAddressInUseIsAClearStartUpError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             EngineProcess second = EngineProcess.start(dir, List.of("--application-module", "word_count",
                     "--in", "127.0.0.1:" + EngineProcess.freePort(), "--out", "127.0.0.1:" + EngineProcess.freePort(),
                     "--monitor", "127.0.0.1:" + taken.getLocalPort()))) {
            assertEquals(2, second.awaitExit(Duration.ofSeconds(60)), second.outputText());
            assertTrue(second.outputText().contains("error: --monitor 127.0.0.1:" + taken.getLocalPort() + ": cannot listen there"),
                    second.outputText());
            assertTrue(second.outputText().contains("Pick a free port"), second.outputText());
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path firstExisting(String... paths) {
        for (String p : paths) {
            if (new File(p).canExecute()) {
                return Path.of(p);
            }
        }
        return null;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + timeout + ": " + what);
    }
}
