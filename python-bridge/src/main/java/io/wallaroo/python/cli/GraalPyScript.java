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
 */
public final class GraalPyScript {
    private GraalPyScript() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: scripts/graalpy SCRIPT.py [ARGS...]");
            System.exit(2);
        }
        Path script = Path.of(args[0]).toAbsolutePath();
        List<Path> path = new ArrayList<>(List.of(WallarooPackage.locate(), script.getParent(), Path.of("").toAbsolutePath()));
        String env = System.getenv("PYTHONPATH");
        if (env != null) {
            Arrays.stream(env.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(s -> Path.of(s).toAbsolutePath()).forEach(path::add);
        }
        int status = 0;
        try (PythonEngine python = new PythonEngine(path); Context context = python.newContext()) {
            System.err.println(python.compilationStatus());
            Value sys = context.eval("python", "import sys\nsys");
            sys.putMember("argv", context.eval("python", "list").execute((Object) Arrays.stream(args).toArray(String[]::new)));
            try {
                context.eval(Source.newBuilder("python", script.toFile()).name("__main__").build());
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
