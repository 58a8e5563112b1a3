package io.wallaroo.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.wallaroo.engine.connector.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The HTTP endpoint of {@code --monitor HOST:PORT}: {@code /metrics} (Prometheus text format),
 * {@code /health}, {@code /ready}, the live page {@code /} and its data {@code /api/state};
 * anything else is 404. It binds before the application loads, so a taken address fails the
 * start at once, and reports "not ready" until {@link #started()}.
 *
 * <p>Requests are served by two threads of their own; everything they read was recorded
 * lock-free by the lanes or is sampled once a second, so a busy scraper cannot slow the lanes.
 */
public final class Monitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);

    /** What the monitor cannot learn from the engine itself. */
    public record Facts(String version, BooleanSupplier jit) {}

    private final HttpServer server;
    private final ExecutorService handlers;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormatWriter text = ExpositionFormats.init().getPrometheusTextFormatWriter();
    private final byte[] page;
    private volatile Sampler sampler;
    private volatile Facts facts = new Facts("", () -> false);
    private volatile boolean started;

    private Monitor(HttpServer server, ExecutorService handlers) {
        this.server = server;
        this.handlers = handlers;
        this.page = resource("index.html");
        JvmMetrics.builder().register(registry);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    /** Binds exactly {@code address}; a clear error naming the flag when it cannot. */
    public static Monitor bind(MonitorAddress address) {
        ExecutorService handlers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "wallaroo-monitor-http");
            t.setDaemon(true);
            return t;
        });
        try {
            InetSocketAddress socket = address.socketAddress();
            if (socket.isUnresolved()) {
                throw new MonitorException("--monitor " + address + ": unknown host '" + address.host()
                        + "'; give an IP address or a name this machine resolves");
            }
            return new Monitor(HttpServer.create(socket, 16), handlers);
        } catch (BindException e) {
            handlers.shutdownNow();
            throw new MonitorException("--monitor " + address + ": cannot listen there (" + e.getMessage()
                    + "); the address is in use or not on this machine. Pick a free port or another address.", e);
        } catch (IOException e) {
            handlers.shutdownNow();
            throw new MonitorException("--monitor " + address + ": cannot listen there: " + e.getMessage(), e);
        } catch (MonitorException e) {
            handlers.shutdownNow();
            throw e;
        }
    }

    /** The address actually bound (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Starts showing what {@code sampler} sees of its engine (before or after the engine starts). */
    public void attach(Sampler s, Facts f) {
        this.facts = f;
        this.sampler = s;
        registry.register(new EngineCollector(s, f.jit(), this::ready));
    }

    /** The engine has started: lanes run, sources listen. Ready once every sink is connected too. */
    public void started() {
        started = true;
    }

    boolean ready() {
        return readiness() == null;
    }

    /** Why the application is not ready, or null when it is. */
    String readiness() {
        Sampler s = sampler;
        if (s == null || !started) {
            return "starting: loading the application and starting its lanes and sources";
        }
        for (Sink sink : s.engine().sinks()) {
            if (!sink.connected()) {
                return "waiting for " + sink.describe() + " to connect";
            }
        }
        return null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> metrics(exchange);
                case "/health" -> send(exchange, 200, "text/plain; charset=utf-8", "ok\n".getBytes(StandardCharsets.UTF_8));
                case "/ready" -> {
                    String why = readiness();
                    send(exchange, why == null ? 200 : 503, "text/plain; charset=utf-8",
                            (why == null ? "ready\n" : why + "\n").getBytes(StandardCharsets.UTF_8));
                }
                case "/", "/index.html" -> send(exchange, 200, "text/html; charset=utf-8", page);
                case "/api/state" -> {
                    Sampler s = sampler;
                    if (s == null) {
                        send(exchange, 503, "application/json", "{\"starting\":true}".getBytes(StandardCharsets.UTF_8));
                    } else {
                        String why = readiness();
                        byte[] json = Json.write(PageState.of(s, facts, why == null, why == null ? "ready" : why))
                                .getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().set("Cache-Control", "no-store");
                        send(exchange, 200, "application/json", json);
                    }
                }
                default -> send(exchange, 404, "text/plain; charset=utf-8",
                        ("not found: " + exchange.getRequestURI().getPath()
                                + " (try /, /metrics, /health or /ready)\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LOG.warn("monitor request {} failed", exchange.getRequestURI(), e);
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        text.write(body, registry.scrape());
        send(exchange, 200, text.getContentType(), body.toByteArray());
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Monitor.class.getResourceAsStream(name)) {
            if (in == null) {
                return ("monitor page " + name + " missing from the build").getBytes(StandardCharsets.UTF_8);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
