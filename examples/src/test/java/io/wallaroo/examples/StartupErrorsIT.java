package io.wallaroo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broken application stops the launcher with its traceback and one line that says what to fix. */
class StartupErrorsIT {

    @TempDir
    Path dir;

    private EngineProcess run(String module, String source) throws Exception {
        if (source != null) {
            Files.writeString(dir.resolve(module + ".py"), source);
        }
        return EngineProcess.start(dir, List.of("--application-module", module,
                "--in", "127.0.0.1:" + EngineProcess.freePort(), "--out", "127.0.0.1:" + EngineProcess.freePort(),
                "--ponythreads", "1"));
    }

    private String failWith(EngineProcess engine) throws Exception {
        assertEquals(1, engine.awaitExit(Duration.ofSeconds(120)), engine.outputText());
        return engine.outputText();
    }

    @Test
    void rejectedPolyglotOptionIsNamedWithoutAStackTrace() throws Exception {
        try (EngineProcess engine = EngineProcess.start(dir, List.of("--application-module", "word_count",
                "--in", "127.0.0.1:" + EngineProcess.freePort(), "--out", "127.0.0.1:" + EngineProcess.freePort()),
                Map.of("WALLAROO_JAVA_OPTS", "-Dpolyglot.python.NoSuchOption=1"))) {
            assertEquals(2, engine.awaitExit(Duration.ofSeconds(120)), engine.outputText());
            String out = engine.outputText();
            assertTrue(out.contains("error: GraalPy refused a polyglot option: ") && out.contains("python.NoSuchOption"), out);
            assertTrue(out.contains("WALLAROO_JAVA_OPTS: fix or remove that flag"), out);
            assertFalse(out.contains("\tat "), "no Java stack trace:\n" + out);
        }
    }

    @Test
    void missingModuleIsNamed() throws Exception {
        try (EngineProcess engine = run("no_such_app", null)) {
            String out = failWith(engine);
            assertTrue(out.contains("error: cannot find application module 'no_such_app'"), out);
            assertTrue(out.contains("PYTHONPATH"), out);
        }
    }

    @Test
    void moduleWithoutApplicationSetup() throws Exception {
        try (EngineProcess engine = run("no_setup", "x = 1\n")) {
            String out = failWith(engine);
            assertTrue(out.contains("has no application_setup(args) function"), out);
        }
    }

    @Test
    void applicationSetupRaisingShowsTheTraceback() throws Exception {
        try (EngineProcess engine = run("raises", "def application_setup(args):\n    raise RuntimeError('boom in setup')\n")) {
            String out = failWith(engine);
            assertTrue(out.contains("Traceback (most recent call last)"), out);
            assertTrue(out.contains("RuntimeError: boom in setup"), out);
            assertTrue(out.contains("error: application_setup(args) in 'raises' raised RuntimeError"), out);
        }
    }

    @Test
    void applicationSetupReturningSomethingElse() throws Exception {
        try (EngineProcess engine = run("not_topology", "def application_setup(args):\n    return 42\n")) {
            String out = failWith(engine);
            assertTrue(out.contains("returned int, not an application"), out);
            assertTrue(out.contains("return ab.build()"), out);
        }
    }

    @Test
    void invalidTopologyExplainsTheFix() throws Exception {
        String source = "import wallaroo\n"
                + "def application_setup(args):\n"
                + "    ab = wallaroo.ApplicationBuilder('x')\n"
                + "    return ab.build()\n";
        try (EngineProcess engine = run("empty_app", source)) {
            String out = failWith(engine);
            assertTrue(out.contains("error: the application has no pipeline"), out);
        }
    }
}
