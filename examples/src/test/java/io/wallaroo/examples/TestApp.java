package io.wallaroo.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small application from src/test/resources/apps, copied into a test's own directory and run
 * through scripts/wallaroo there, so the source tree stays free of anything the run writes.
 */
final class TestApp {
    private TestApp() {}

    /**
     * Starts {@code module} with the given --in and --out ports and lane count; {@code extra}
     * arguments are appended (e.g. --max-frame-bytes).
     */
    static EngineProcess start(Path dir, String module, List<Integer> in, List<Integer> out, int lanes,
                               String... extra) throws IOException {
        copy(module, dir);
        List<String> args = new ArrayList<>(List.of("--application-module", module,
                "--in", addresses(in), "--out", addresses(out), "--ponythreads", String.valueOf(lanes)));
        args.addAll(List.of(extra));
        return EngineProcess.start(dir, args);
    }

    private static void copy(String module, Path dir) throws IOException {
        String resource = "/apps/" + module + ".py";
        try (InputStream source = TestApp.class.getResourceAsStream(resource)) {
            if (source == null) {
                throw new IllegalArgumentException("no test application " + resource + " on the class path");
            }
            Files.copy(source, dir.resolve(module + ".py"));
        }
    }

    private static String addresses(List<Integer> ports) {
        return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }
}
