package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truffle's one compiler thread spends the first traffic on the application's functions and the
 * runner's batch loop, not on importlib's, which start-up runs often enough to queue for
 * compilation (ImportMachinery in python-bridge), not twice on the batch loop, and not once per
 * lane (lanes share module code: SharedImports in python-bridge). Read from Truffle's own
 * compilation trace of a real launch under traffic.
 */
class CompilationQueueIT {
    /** How long to send traffic while waiting for the batch loop to be compiled. */
    private static final Duration TRAFFIC_LIMIT = Duration.ofMinutes(3);

    /** importlib functions that launches without the filter compiled (the first two) or could. */
    private static final Pattern TIER = Pattern.compile("Tier \\d");
    /** A function's call target; an on-stack-replacement target of its loop ("...><OSR@61>") is another id and not counted. */
    private static final Pattern CALL_TARGET = Pattern.compile("id=(\\d+)\\s+<bytecode (\\S+) at [0-9a-f]+>(?!<OSR)");

    private static final List<String> IMPORT_FUNCTIONS = List.of("_find_and_load_unlocked", "find_spec",
            "_find_and_load", "_find_spec", "_load_unlocked", "_handle_fromlist", "_path_join", "_path_stat",
            "cache_from_source");

    @Test
    void theFirstTrafficsFunctionsCompileAndImportlibsDoNot(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("compilation.log");
        int in = EngineProcess.freePort();
        try (Drain out = new Drain();
             EngineProcess engine = wordCount(in, out, trace, "TraceCompilation", List.of(), Map.of())) {
            engine.awaitReady();
            List<String> compiled = sendUntilCompiled(in, trace, "frames_spread", engine);
            assertTrue(compiled.contains("split") && compiled.contains("frames_spread"),
                    "word count's split and the runner's batch loop were not compiled within " + TRAFFIC_LIMIT + " of traffic; "
                    + "compiled: " + compiled + "\n" + engine.outputText());
            List<String> importlib = compiled.stream().filter(IMPORT_FUNCTIONS::contains).toList();
            assertEquals(List.of(), importlib, "importlib functions were compiled; all compiled: " + compiled);
            // The batch loop is in the function the engine calls, so it is compiled once, not also
            // in a helper of its own that the entry point would inline again.
            assertFalse(compiled.contains("frames"), "the runner's frames compiled on its own: " + compiled);
            assertTrue(out.bytes() > 0, "no output arrived");
        }
    }

    @Test
    void twoLanesCompileTheApplicationOnce(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("compilation.log");
        int in = EngineProcess.freePort();
        try (Drain out = new Drain();
             EngineProcess engine = wordCount(in, out, trace, "TraceCompilationDetails", List.of("--ponythreads", "2"),
                     Map.of("WALLAROO_STARTUP_TRACE", "1"))) {
            engine.awaitReady();
            assertTrue(engine.outputText().contains("GraalPy code shared between contexts: on"), engine.outputText());
            engine.awaitLine("all lanes started", Duration.ofMinutes(2));
            // Both lanes run every function (one connection's batches spread over them), so a lane
            // with code of its own would have queued its copies of them for compilation by the
            // time the batch loop reaches Truffle's last tier. (Without SharedImports the lanes
            // shared or not depending on when a full collection ran; SharedImportsTest forces one.)
            sendUntilCompiled(in, trace, "frames_spread|Tier 2", engine);
            Map<String, Set<String>> targets = callTargets(trace);
            assertTrue(targets.containsKey("split") && targets.containsKey("count_word"),
                    "word count's functions were not compiled within " + TRAFFIC_LIMIT + ": " + targets + "\n" + engine.outputText());
            for (String function : List.of("split", "count_word", "decoder", "encoder", "run_multi", "frames_spread")) {
                Set<String> ids = targets.getOrDefault(function, Set.of());
                assertTrue(ids.size() <= 1, function + " was compiled as " + ids.size()
                        + " call targets (one per lane: the lanes did not share its code): " + targets);
            }
            assertTrue(out.bytes() > 0, "no output arrived");
        }
    }

    /** Word count from {@code in} to {@code out}, with Truffle's {@code traceOption} on into {@code trace}. */
    private static EngineProcess wordCount(int in, Drain out, Path trace, String traceOption, List<String> flags,
                                           Map<String, String> env) throws IOException {
        List<String> args = new ArrayList<>(List.of("--application-module", "word_count", "--in", "127.0.0.1:" + in,
                "--out", "127.0.0.1:" + out.port()));
        args.addAll(flags);
        Map<String, String> environment = new HashMap<>(env);
        environment.put("WALLAROO_JAVA_OPTS", "-Dpolyglot.engine." + traceOption + "=true -Dpolyglot.log.file=" + trace);
        return EngineProcess.start(EngineProcess.example("word_count"), args, environment);
    }

    /**
     * Sends word count lines until the trace shows {@code function} compiled (or, written
     * {@code NAME|Tier 2}, compiled at that tier); returns the names compiled.
     */
    private static List<String> sendUntilCompiled(int port, Path trace, String function, EngineProcess engine)
            throws Exception {
        byte[] batch = batch();
        long deadline = System.nanoTime() + TRAFFIC_LIMIT.toNanos();
        try (Socket socket = Framed.connect(port)) {
            OutputStream sock = socket.getOutputStream();
            while (true) {
                sock.write(batch);
                sock.flush();
                List<String> compiled = compiledFunctions(trace);
                if (compiled.contains(function) || System.nanoTime() > deadline || !engine.process().isAlive()) {
                    return compiled.stream().map(name -> name.split("\\|")[0]).toList();
                }
            }
        }
    }

    private static byte[] batch() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            bytes.write(Framed.frame("the quick brown fox " + (i % 97) + " jumps over the lazy dog " + (i % 13)));
        }
        return bytes.toByteArray();
    }

    /**
     * The Python functions the trace says were compiled ("opt done ... <bytecode NAME at ...> ...
     * |Tier N|"), each as NAME and as NAME|Tier N.
     */
    private static List<String> compiledFunctions(Path trace) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : compilations(trace)) {
            int start = line.indexOf("<bytecode ") + "<bytecode ".length();
            String name = line.substring(start, line.indexOf(' ', start));
            names.add(name);
            Matcher tier = TIER.matcher(line);
            if (tier.find()) {
                names.add(name + "|" + tier.group());
            }
        }
        return names;
    }

    /**
     * The call target ids of each function queued for compilation or compiled ("opt queued
     * engine=1  id=5726  <bytecode split at ...", with engine.TraceCompilationDetails).
     */
    private static Map<String, Set<String>> callTargets(Path trace) throws IOException {
        Map<String, Set<String>> targets = new TreeMap<>();
        for (String line : Files.readAllLines(trace)) {
            if (!line.contains("opt queued") && !line.contains("opt done")) {
                continue;
            }
            Matcher target = CALL_TARGET.matcher(line);
            if (target.find()) {
                targets.computeIfAbsent(target.group(2), name -> new TreeSet<>()).add(target.group(1));
            }
        }
        return targets;
    }

    private static List<String> compilations(Path trace) throws IOException {
        if (!Files.exists(trace)) {
            return List.of();
        }
        return Files.readAllLines(trace).stream()
                .filter(line -> line.contains("opt done") && line.contains("<bytecode "))
                .toList();
    }

    /** A sink receiver that counts and discards what it reads, so traffic can run for minutes. */
    private static final class Drain implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        private final AtomicLong bytes = new AtomicLong();

        Drain() throws IOException {
            Thread reader = new Thread(this::run, "drain");
            reader.setDaemon(true);
            reader.start();
        }

        private void run() {
            byte[] buffer = new byte[1 << 16];
            while (!server.isClosed()) {
                try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        bytes.addAndGet(n);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        int port() {
            return server.getLocalPort();
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
