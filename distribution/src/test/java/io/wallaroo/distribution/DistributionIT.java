package io.wallaroo.distribution;

import io.wallaroo.engine.testing.ListenPorts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The archive as a user gets it: unpacked into a temporary directory, away from the checkout and
 * Maven, it reports its version (the same as the wheel's {@code wallaroo.__version__}) and runs the
 * word count example from a directory of its own, on the JDK it finds or on the runtime that
 * bin/wallaroo-runtime-image makes.
 */
class DistributionIT {
    private static final Path TARBALL = Path.of(System.getProperty("wallaroo.tarball"));
    private static final Path ROOT = Path.of(System.getProperty("wallaroo.root"));
    /** The launcher picks $JAVA_HOME first, the JDK this build runs on. */
    private static final boolean RUNTIME_IMAGE_POSSIBLE = Runtime.version().feature() >= 25;

    @Test
    void unpackedArchiveRunsWordCountFromAnyDirectory(@TempDir Path tmp) throws Exception {
        Path home = unpack(tmp);
        Path bin = home.resolve("bin/wallaroo");
        assertTrue(Files.isExecutable(bin), "bin/wallaroo is executable");
        assertTrue(Files.isRegularFile(home.resolve("README.md")), "README.md ships");
        Path wheel;
        try (Stream<Path> files = Files.list(home.resolve("python"))) {
            wheel = files.filter(p -> p.toString().endsWith(".whl")).findFirst().orElseThrow();
        }

        // One version everywhere: the launcher, the wheel's package, the archive's name.
        Result version = run(tmp, List.of(bin.toString(), "--version"));
        assertEquals(0, version.exitCode, version.output);
        Result python = run(tmp, List.of("python3", "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import wallaroo; print(wallaroo.__version__)", wheel.toString()));
        assertEquals(0, python.exitCode, python.output);
        String pyVersion = python.output.strip();
        assertTrue(version.output.startsWith("wallaroo " + pyVersion + " "), version.output + " vs " + pyVersion);
        assertTrue(TARBALL.getFileName().toString().startsWith("wallaroo-" + pyVersion),
                "the archive is named after wallaroo/_version.py: " + TARBALL.getFileName() + " vs " + pyVersion
                        + " (keep the Maven version and wallaroo-py/wallaroo/_version.py in step)");

        // No runtime/ yet: on JDK 25+ (what CI builds with) the launcher says how to make one.
        List<String> log = countWords(bin, tmp.resolve("app"));
        String hint = "JVM start-up cache: none yet; run " + home.resolve("bin/wallaroo-runtime-image")
                + " once to make one (ready in about half the time)";
        assertEquals(RUNTIME_IMAGE_POSSIBLE, log.contains(hint), hint + " expected only on JDK 25+:\n" + String.join("\n", log));
    }

    /**
     * bin/wallaroo-runtime-image builds runtime/ where the archive was unpacked (on JDK 25+, which
     * the build and CI use), and bin/wallaroo then starts on that JDK from its AOT cache.
     */
    @Test
    void runtimeImageMakesTheLauncherStartFromItsCache(@TempDir Path tmp) throws Exception {
        assumeTrue(RUNTIME_IMAGE_POSSIBLE, "the runtime image needs JDK 25+; this build runs on " + Runtime.version());
        Path home = unpack(tmp);
        Path setup = home.resolve("bin/wallaroo-runtime-image");
        assertTrue(Files.isExecutable(setup), "bin/wallaroo-runtime-image is executable");
        Result made = run(tmp, List.of(setup.toString()), 600);
        assertEquals(0, made.exitCode, made.output);
        assertTrue(Files.isRegularFile(home.resolve("runtime/wallaroo.aot")), made.output);
        assertTrue(Files.isExecutable(home.resolve("runtime/jdk/bin/java")), made.output);

        List<String> log = countWords(home.resolve("bin/wallaroo"), tmp.resolve("app"));
        String text = String.join("\n", log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("JVM start-up cache: on (" + home.resolve("runtime"))), text);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("GraalPy runtime compilation: on")), text);
    }

    /** Unpacks the archive under {@code tmp}, away from the checkout; returns its top directory. */
    private static Path unpack(Path tmp) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(TARBALL), "the build made " + TARBALL);
        Path unpacked = tmp.resolve("opt");
        Files.createDirectories(unpacked);
        assertEquals(0, run(unpacked, List.of("tar", "xzf", TARBALL.toString())).exitCode);
        try (Stream<Path> dirs = Files.list(unpacked)) {
            return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /**
     * Runs word count through {@code bin} from a directory of its own (nothing from the checkout on
     * any path), sends it the example text and checks every word comes out; returns the engine's log.
     */
    private static List<String> countWords(Path bin, Path app) throws Exception {
        Files.createDirectories(app);
        Files.copy(ROOT.resolve("examples/word_count/word_count.py"), app.resolve("word_count.py"));
        List<String> lines = Files.readAllLines(ROOT.resolve("examples/word_count/data/count_this.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        int in = freePort();
        try (ServerSocket receiver = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            List<String> received = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> receive(receiver, received), "receiver");
            reader.setDaemon(true);
            reader.start();
            ProcessBuilder pb = new ProcessBuilder(bin.toString(), "--application-module", "word_count",
                    "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.getLocalPort(), "--ponythreads", "1",
                    "--status-interval", "0").directory(app.toFile()).redirectErrorStream(true);
            pb.environment().remove("PYTHONPATH");
            pb.environment().remove("CLASSPATH");
            Process engine = pb.start();
            List<String> log = new CopyOnWriteArrayList<>();
            Thread logReader = new Thread(() -> collect(engine, log), "engine-log");
            logReader.setDaemon(true);
            logReader.start();
            try {
                awaitLine(log, "wallaroo: ready", 120, engine);
                send(in, lines);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (received.size() < 482 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(482, received.size(), "one output line per word:\n" + String.join("\n", log));
                assertTrue(received.contains("the => 1") || received.stream().anyMatch(l -> l.matches(".+ => \\d+")), received.toString());
            } finally {
                engine.destroy();
                if (!engine.waitFor(30, TimeUnit.SECONDS)) {
                    engine.destroyForcibly();
                }
            }
            return log;
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        return run(dir, command, 120);
    }

    private static Result run(Path dir, List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "still running: " + command);
        return new Result(p.exitValue(), out);
    }

    private static void collect(Process p, List<String> log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.add(line);
                System.out.println("[engine] " + line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static void awaitLine(List<String> log, String text, int seconds, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!p.isAlive()) {
                Thread.sleep(200);
                throw new AssertionError("engine exited before '" + text + "':\n" + String.join("\n", log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' within " + seconds + " s:\n" + String.join("\n", log));
    }

    private static void receive(ServerSocket server, List<String> into) {
        try (Socket s = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                into.add(line);
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    private static void send(int port, List<String> messages) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            for (String m : messages) {
                byte[] b = m.getBytes(StandardCharsets.UTF_8);
                out.write(ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array());
            }
            out.flush();
        }
    }

    private static int freePort() throws IOException {
        return ListenPorts.free();
    }
}
