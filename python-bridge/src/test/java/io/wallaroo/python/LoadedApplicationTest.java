package io.wallaroo.python;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.LengthField;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.graalvm.polyglot.Context;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped examples loaded the way the launcher loads them (import the module, call
 * application_setup(args), translate the result), checked against the engine model they must
 * become: pipelines, steps, states and how the TCP source frames its input.
 */
class LoadedApplicationTest {
    private static final List<String> ARGS = List.of("--in", "127.0.0.1:7010", "--out", "127.0.0.1:7020",
            "--ponythreads", "2");

    private static PythonEngine python;

    @BeforeAll
    static void startPython() {
        python = new PythonEngine(List.of(SourceTree.wallarooPackage(), SourceTree.example("word_count"),
                SourceTree.example("logfiles")));
    }

    @AfterAll
    static void stopPython() {
        python.close();
    }

    @Test
    void wordCountBecomesOnePipelineWithAParallelSplitAndAPartitionedCount() {
        try (Context context = python.newContext()) {
            Application app = load(context, "word_count");

            assertEquals("Word Count Application", app.name());
            assertEquals(1, app.pipelines().size());
            Pipeline pipeline = app.pipelines().get(0);
            assertEquals(0, pipeline.id());
            assertEquals("Split and Count", pipeline.name());
            assertEquals(List.of(new Step.Stateless("split into words", true, true),
                    new Step.Stateful("Count Word", false, "word totals")), pipeline.steps());
            assertEquals(List.of(new SinkSpec.Tcp("127.0.0.1", 7020)), pipeline.sinks());

            SourceSpec.Tcp source = assertInstanceOf(SourceSpec.Tcp.class, pipeline.source());
            assertEquals("127.0.0.1", source.host());
            assertEquals(7010, source.port());
            assertLengthField(source, ">I");

            // 26 letters plus "!" are declared; the partition function is named after the user's function.
            assertEquals(Map.of("word totals", new StateDefinition("word totals", "word_count.WordTotals",
                    new StateDefinition.Keyed("partition", false, 27))), app.states());
        }
    }

    @Test
    void logfilesClassicObjectsBecomeOneUnpartitionedState() {
        try (Context context = python.newContext()) {
            Application app = load(context, "logfiles");

            assertEquals("Apache Log file analysis", app.name());
            Pipeline pipeline = app.pipelines().get(0);
            assertEquals("convert", pipeline.name());
            assertEquals(List.of(new Step.Stateful("count status codes", false, "status counts")), pipeline.steps());
            assertEquals(List.of(new SinkSpec.Tcp("127.0.0.1", 7020)), pipeline.sinks());
            // The classic decoder's payload_length is struct.unpack(">I", bs)[0]: recognised, so the
            // engine frames in Java without calling Python per message.
            assertLengthField(assertInstanceOf(SourceSpec.Tcp.class, pipeline.source()), ">I");
            assertEquals(Map.of("status counts", new StateDefinition("status counts", "logfiles.CounterBuilder",
                    new StateDefinition.Single())), app.states());
        }
    }

    @Test
    void aCExtensionBuiltForCPythonIsNamedWithWhatToDo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("needs_native.py"), "import fastjson\ndef application_setup(args):\n    pass\n");
        Path binary = Files.write(dir.resolve("fastjson.cpython-312-x86_64-linux-gnu.so"), new byte[] {0x7f, 'E', 'L', 'F'});
        try (Context context = python.newContext()) {
            context.eval("python", "import sys; sys.path.insert(0, " + pythonString(dir.toString()) + ")");
            ApplicationLoadException e = assertThrows(ApplicationLoadException.class,
                    () -> LoadedApplication.load(context, "needs_native", ARGS));
            assertEquals("c-extension", e.kind());
            assertTrue(e.getMessage().contains("needs 'fastjson', a C extension built for CPython (" + binary + ")"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("which GraalPy cannot load: install a GraalPy build"), e.getMessage());
            assertTrue(e.pythonTraceback().contains("ModuleNotFoundError"), e.pythonTraceback());
        }
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Loads {@code module}; a load failure fails the test with the Python traceback. */
    private static Application load(Context context, String module) {
        try {
            return LoadedApplication.load(context, module, ARGS).model();
        } catch (ApplicationLoadException e) {
            throw new AssertionError("loading " + module + ": " + e.getMessage() + "\n" + e.pythonTraceback(), e);
        }
    }

    private static void assertLengthField(SourceSpec.Tcp source, String format) {
        assertEquals(4, source.framing().headerLength());
        LengthField field = assertInstanceOf(LengthField.class, source.framing().payloadLength());
        assertEquals(format, field.format());
        assertEquals(0x01020304L, field.payloadLength(new byte[] {1, 2, 3, 4}), "big-endian");
    }
}
