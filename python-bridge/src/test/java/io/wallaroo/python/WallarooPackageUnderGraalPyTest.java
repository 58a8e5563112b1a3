package io.wallaroo.python;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wallaroo package's own unit tests (wallaroo-py/tests, written for CPython's unittest) run
 * inside a GraalPy context made the way the engine makes its lane contexts, so the package is
 * checked on the interpreter it runs on in production. One context: on the test class path
 * GraalPy runs interpreter-only, and creating contexts is the slow part.
 */
class WallarooPackageUnderGraalPyTest {

    /** Discovers and runs the tests; returns (tests run, failed or errored count, unittest's report). */
    private static final String RUN_TESTS = """
            import io, unittest
            def run_tests(tests_dir):
                suite = unittest.TestLoader().discover(tests_dir, top_level_dir=tests_dir)
                report = io.StringIO()
                result = unittest.TextTestRunner(stream=report, verbosity=1).run(suite)
                return [result.testsRun, len(result.failures) + len(result.errors), report.getvalue()]
            run_tests
            """;

    @Test
    void theLauncherFindsThePackageOnTheClassPath() {
        Path found = WallarooPackage.locate();
        assertTrue(Files.isRegularFile(found.resolve("wallaroo/__init__.py")), found.toString());
        assertTrue(Files.isRegularFile(found.resolve("wallaroo/_bridge.py")), found.toString());
    }

    @Test
    void thePackageTestsPassUnderGraalPy() throws Exception {
        Path tests = SourceTree.packageTests();
        try (PythonEngine python = new PythonEngine(List.of(SourceTree.wallarooPackage()));
             Context context = python.newContext()) {
            Value result = context.eval("python", RUN_TESTS).execute(tests.toString());
            int run = result.getArrayElement(0).asInt();
            int failed = result.getArrayElement(1).asInt();
            String report = result.getArrayElement(2).asString();

            assertEquals(0, failed, "failing wallaroo package tests under GraalPy:\n" + report);
            // Discovery finding nothing (a moved folder, an import error swallowed) must not pass.
            assertTrue(run >= 150, "only " + run + " tests were discovered in " + tests + ":\n" + report);
        }
    }
}
