package io.wallaroo.examples;

import io.wallaroo.engine.testing.ListenPorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The engine as a user runs it: {@code scripts/wallaroo} as a real process in an example's
 * directory. Collects its output so tests can wait for lines and show them on failure.
 */
public final class EngineProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private EngineProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                    System.out.println("[engine] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "engine-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The repository root (the examples module's parent). */
    public static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("scripts/wallaroo")) ? here : here.getParent();
    }

    public static Path example(String name) {
        return root().resolve("examples").resolve(name);
    }

    /** Starts {@code scripts/wallaroo args...} in {@code workDir}. */
    public static EngineProcess start(Path workDir, List<String> args) throws IOException {
        return start(workDir, args, Map.of());
    }

    /** Starts {@code scripts/wallaroo args...} in {@code workDir} with extra environment variables (e.g. PYTHONPATH). */
    public static EngineProcess start(Path workDir, List<String> args, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("scripts/wallaroo").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("PYTHONPATH");
        builder.environment().putAll(env);
        return new EngineProcess(builder.start());
    }

    /** Waits for a line containing {@code text}; fails with the output so far when it does not come. */
    public void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!process.isAlive() && output.stream().noneMatch(l -> l.contains(text))) {
                Thread.sleep(200); // let the reader catch the last lines
                if (output.stream().anyMatch(l -> l.contains(text))) {
                    return;
                }
                throw new AssertionError("engine exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + String.join("\n", output));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line with '" + text + "' within " + timeout + ":\n" + String.join("\n", output));
    }

    public void awaitReady() throws InterruptedException {
        awaitLine("wallaroo: ready", Duration.ofSeconds(120));
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("engine still running after " + timeout + ":\n" + String.join("\n", output));
        }
        Thread.sleep(200);
        return process.exitValue();
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    public String outputText() {
        return String.join("\n", output);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: the process gets no chance to clean up, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A port for the engine to listen on, below the ephemeral range so no outgoing connection takes it first. */
    public static int freePort() throws IOException {
        return ListenPorts.free();
    }
}
