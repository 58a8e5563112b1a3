package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dependency path docs/porting.md describes: a pure-Python package of our own, placed in a
 * directory of its own and put on PYTHONPATH, is imported by the application on every lane.
 */
class DependenciesIT {
    @TempDir
    Path dir;

    @Test
    void aPurePythonPackageOnPythonPathIsImportedOnEveryLane() throws Exception {
        Path deps = dir.resolve("deps");
        Path pkg = Files.createDirectories(deps.resolve("tinytext"));
        Files.writeString(pkg.resolve("__init__.py"), """
                \"\"\"A tiny dependency: text decoration and a tally.\"\"\"
                from tinytext._tally import Tally


                def decorate(word):
                    return "*" + word.upper() + "*"
                """);
        Files.writeString(pkg.resolve("_tally.py"), """
                class Tally(object):
                    def __init__(self):
                        self.counts = {}

                    def add(self, key):
                        self.counts[key] = self.counts.get(key, 0) + 1
                        return self.counts[key]
                """);
        Path app = dir.resolve("app");
        Files.createDirectories(app);
        try (InputStream source = getClass().getResourceAsStream("/apps/uses_dependency.py")) {
            Files.copy(source, app.resolve("uses_dependency.py"));
        }

        List<String> words = new ArrayList<>();
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            String word = "w" + (i % 17);
            words.add(word);
            expected.merge("*" + word.toUpperCase() + "*", 1, Integer::sum);
        }
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = EngineProcess.start(app, List.of("--application-module", "uses_dependency",
                     "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port(), "--ponythreads", "2"),
                     Map.of("PYTHONPATH", deps.toString()))) {
            engine.awaitReady();
            Framed.send(in, words);
            List<String> out = receiver.await(words.size(), Duration.ofSeconds(90));
            Map<String, Integer> totals = new TreeMap<>();
            for (String line : out) {
                String[] parts = line.split(" ");
                totals.merge(parts[0], 1, Integer::sum);
                assertEquals(totals.get(parts[0]), Integer.valueOf(parts[1]), "running counts per word: " + line);
            }
            assertEquals(expected, totals, engine.outputText());
            // Each lane's interpreter imports the module (and so tinytext) when the engine starts.
            assertTrue(engine.outputText().contains("with 2 lane(s)"), engine.outputText());
        }
    }
}
