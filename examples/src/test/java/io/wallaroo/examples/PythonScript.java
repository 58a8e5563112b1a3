package io.wallaroo.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A connector script of an example run under CPython as a real process, with the example's
 * directory and the wallaroo package on its PYTHONPATH. Keeps its standard output as lines (what
 * sink scripts print) and echoes its standard error to the test log.
 */
public final class PythonScript implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private PythonScript(String name, Process process) {
        this.name = name;
        this.process = process;
        collect(process.getInputStream(), lines, false);
        collect(process.getErrorStream(), errors, true);
    }

    private void collect(InputStream stream, List<String> into, boolean echo) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    into.add(line);
                    if (echo) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code interpreter script args...} in {@code dir}. */
    public static PythonScript start(String interpreter, Path dir, String script, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(interpreter, "-u", script));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("PYTHONPATH", dir + java.io.File.pathSeparator + EngineProcess.root().resolve("wallaroo-py"));
        return new PythonScript(script, builder.start());
    }

    /** The first of {@code python3} and {@code /usr/bin/python3} that can import {@code module}. */
    public static Optional<String> interpreterWith(String module) throws InterruptedException {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import " + module).redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException notThere) {
                // try the next one
            }
        }
        return Optional.empty();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public String errorText() {
        return String.join("\n", errors);
    }

    /** Waits until the script printed at least {@code n} lines; returns what it printed. */
    public List<String> awaitLines(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return lines();
    }

    /** Waits for the script to end; returns its exit code, failing the test when it does not end in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ":\n" + errorText());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as in a crash: the script gets no chance to say goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
