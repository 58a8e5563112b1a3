package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, exactly as a new user types it: {@code scripts/run-example word_count}
 * runs a receiver, the engine and a sender, and checks the counts it received against the
 * example's expected result.
 */
class ReadmeExampleIT {
    @Test
    void theReadmesExampleCommandRunsWordCountEndToEnd() throws Exception {
        Path root = EngineProcess.root();
        assertTrue(Files.readString(root.resolve("README.md")).contains("scripts/run-example word_count"),
                "this test runs the README's example command; keep the two in step");
        Path log = Files.createTempFile("run-example", ".log");
        Process process = new ProcessBuilder(root.resolve("scripts/run-example").toString(), "word_count")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = process.waitFor(300, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "scripts/run-example did not finish within 300 s:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("wallaroo: ready"), output);
        assertTrue(output.contains("== OK: final counts of 217 words equal data/expected_counts.json"), output);
    }
}
