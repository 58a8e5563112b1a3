package io.wallaroo.python;

import io.wallaroo.python.codesharing.PycCode;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contexts of one engine import modules through the shared-imports hook: compiled from source or
 * loaded from {@code .pyc} files, the second context finds the code the first one pinned, even
 * after a full collection, and imports work as before. (That the JIT then compiles the code once
 * for two lanes is checked from Truffle's compilation trace in CompilationQueueIT.)
 */
class SharedImportsTest {
    private static final String MODULE = """
            def shout(word):
                return word.upper() + "!"
            """;

    @Test
    void asecondContextFindsTheCodeTheFirstCompiledFromSource(@TempDir Path dir) throws IOException {
        Path pycache = dir.resolve("pycache");
        Files.writeString(dir.resolve("shared_probe.py"), MODULE);
        try (PythonEngine python = new PythonEngine(List.of(dir), pycache)) {
            assertTrue(python.sharesCode(), "the shared-code instrument was not found");
            try (Context first = python.newContext()) {
                assertEquals("HI!", shout(first));
            }
            int afterFirst = python.sharedModules();
            assertTrue(afterFirst >= 1, "nothing was pinned while importing from source");
            Path pyc = pycFile(pycache);
            assertEquals(dir.resolve("shared_probe.py").toString(),
                    PycCode.fromPyc(Files.readAllBytes(pyc)).orElseThrow().filename(), "the .pyc GraalPy wrote");

            try (Context second = python.newContext()) {
                assertEquals("HI!", shout(second));
            }
            // The second context loaded the .pyc written from the first one's code: same bytes,
            // so the same entry, and nothing new to pin.
            assertEquals(afterFirst, python.sharedModules(), "the second context's code differed from the first's");
        }
    }

    @Test
    void withoutBytecodeFilesContextsStillShare(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("shared_probe.py"), MODULE);
        try (PythonEngine python = new PythonEngine(List.of(dir), null)) {
            try (Context first = python.newContext()) {
                assertEquals("HI!", shout(first));
            }
            int afterFirst = python.sharedModules();
            try (Context second = python.newContext()) {
                assertEquals("HI!", shout(second));
            }
            assertTrue(afterFirst >= 1, "nothing was pinned");
            assertEquals(afterFirst, python.sharedModules(), "compiling the same source twice gave different code");
        }
    }

    @Test
    void aLaterLaunchPinsTheBytecodeFile(@TempDir Path dir) throws IOException {
        Path pycache = dir.resolve("pycache");
        Files.writeString(dir.resolve("shared_probe.py"), MODULE);
        try (PythonEngine python = new PythonEngine(List.of(dir), pycache); Context context = python.newContext()) {
            shout(context);
        }
        try (PythonEngine python = new PythonEngine(List.of(dir), pycache); Context context = python.newContext()) {
            int before = python.sharedModules();
            assertEquals("HI!", shout(context));
            assertTrue(python.sharedModules() > before, "importing from the .pyc pinned nothing");
        }
    }

    @Test
    void aFullCollectionDoesNotDropTheSharedCode(@TempDir Path dir) throws IOException {
        Path pycache = dir.resolve("pycache");
        Files.writeString(dir.resolve("sp.py"), MODULE);
        Path log = dir.resolve("source-cache.log");
        // Truffle's own record of its source cache: a line per miss, hit and eviction, naming the file.
        System.setProperty("polyglot.engine.TraceSourceCacheDetails", "true");
        System.setProperty("polyglot.log.file", log.toString());
        try (PythonEngine python = new PythonEngine(List.of(dir), pycache)) {
            System.clearProperty("polyglot.engine.TraceSourceCacheDetails");
            System.clearProperty("polyglot.log.file");
            try (Context first = python.newContext()) {
                assertEquals("HI!", first.eval("python", "import sp\nsp.shout('hi')").asString());
            }
            // Without the pin, this is what dropped the entry: GraalPy's own Source object was
            // garbage once the import returned, and the cache held it only weakly.
            System.gc();
            try (Context second = python.newContext()) {
                assertEquals("HI!", second.eval("python", "import sp\nsp.shout('hi')").asString());
            }
        } finally {
            System.clearProperty("polyglot.engine.TraceSourceCacheDetails");
            System.clearProperty("polyglot.log.file");
        }
        String sp = dir.resolve("sp.py").toString();
        List<String> lines = Files.readAllLines(log).stream().filter(line -> line.contains(sp)).toList();
        // One hit per context: the first loads what it just pinned, the second the same code from the .pyc.
        assertEquals(2, lines.stream().filter(line -> line.contains("source-cache-hit")).count(),
                "both contexts' imports should have found sp's code in the source cache:\n" + String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(line -> line.contains("source-cache-evict")),
                "sp's code was dropped from the source cache:\n" + String.join("\n", lines));
    }

    private static String shout(Context context) {
        return context.eval("python", "import shared_probe\nshared_probe.shout('hi')").asString();
    }

    private static Path pycFile(Path pycache) throws IOException {
        try (Stream<Path> files = Files.walk(pycache)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith("shared_probe.")
                    && p.toString().endsWith(".pyc")).toList();
            assertEquals(1, found.size(), "shared_probe's .pyc files under " + pycache + ": " + found);
            return found.get(0);
        }
    }
}
