package io.wallaroo.python.cli;

import io.wallaroo.python.PythonEngine;
import io.wallaroo.python.WallarooPackage;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a Python script in the engine's GraalPy, set up exactly as a lane is (same JIT, same
 * Python path with the wallaroo package): {@code scripts/graalpy script.py args...}. The
 * benchmarks use it to measure Python code in a plain loop, without the engine around it.
 *
 * <p>{@code scripts/graalpy -m MODULE args...} runs a module as {@code python -m} does; for
 * {@code -m pip}, GraalPy's bundled pip wheel is used when no pip is installed, so
 * {@code scripts/graalpy -m pip install --target DIR ...} installs an application's dependencies
 * for this interpreter (see docs/porting.md).
 */
public final class GraalPyScript {
    private GraalPyScript() {}

    /** {@code python -m NAME}; pip comes from GraalPy's ensurepip wheel when it is not installed. */
    private static final String RUN_MODULE = """
            import runpy, sys
            def run_module(name):
                if name == "pip" or name.startswith("pip."):
                    try:
                        import pip
                    except ImportError:
                        import ensurepip, glob, os
                        bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
                        sys.path[:0] = sorted(glob.glob(os.path.join(bundled, "pip-*.whl")))[-1:]
                runpy.run_module(name, run_name="__main__", alter_sys=True)
            run_module
            """;

    public static void main(String[] args) throws Exception {
        boolean module = args.length >= 2 && args[0].equals("-m");
        if (args.length == 0 || (args[0].equals("-m") && !module)) {
            System.err.println("usage: scripts/graalpy SCRIPT.py [ARGS...]  or  scripts/graalpy -m MODULE [ARGS...]");
            System.exit(2);
        }
        Path script = module ? null : Path.of(args[0]).toAbsolutePath();
        List<Path> path = new ArrayList<>(List.of(WallarooPackage.locate()));
        if (script != null) {
            path.add(script.getParent());
        }
        path.add(Path.of("").toAbsolutePath());
        String env = System.getenv("PYTHONPATH");
        if (env != null) {
            Arrays.stream(env.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(s -> Path.of(s).toAbsolutePath()).forEach(path::add);
        }
        int status = 0;
        try (PythonEngine python = new PythonEngine(path); Context context = python.newContext()) {
            System.err.println(python.compilationStatus());
            Value sys = context.eval("python", "import sys\nsys");
            String[] argv = module ? Arrays.copyOfRange(args, 1, args.length) : args;
            sys.putMember("argv", context.eval("python", "list").execute((Object) argv));
            try {
                if (module) {
                    context.eval("python", RUN_MODULE).execute(args[1]);
                } else {
                    context.eval(Source.newBuilder("python", script.toFile()).name("__main__").build());
                }
            } catch (PolyglotException e) {
                if (e.isExit()) {
                    status = e.getExitStatus();
                } else {
                    System.err.println(e.getMessage());
                    if (e.isGuestException()) {
                        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
                            if (frame.isGuestFrame()) {
                                System.err.println("  at " + frame);
                            }
                        }
                    }
                    status = 1;
                }
            }
        }
        System.exit(status);
    }
}
