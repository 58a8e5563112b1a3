package io.wallaroo.python;

import io.wallaroo.python.codesharing.SharedImports;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one polyglot {@link Engine} of the process, shared by every lane's context so GraalPy's
 * core (its builtins and the modules it loads while starting) is parsed and JIT-compiled once, and
 * the factory of those contexts. Modules imported later, the application's among them, share
 * their code between contexts too ({@link SharedImports}), so the JIT compiles them once for all
 * lanes. No context's import machinery is compiled
 * ({@link ImportMachinery} says why).
 */
public final class PythonEngine implements AutoCloseable {
    private final Engine engine;
    private final List<Path> pythonPath;
    private final Path pycache;
    private final SharedImports.Lookup codeSharing;

    /** An engine for any number of contexts, with {@code .pyc} files where {@link BytecodeCache} finds a place. */
    public PythonEngine(List<Path> pythonPath) {
        this(pythonPath, BytecodeCache.directory());
    }

    /** An engine whose contexts keep {@code .pyc} files under {@code pycache}, or write none when it is null. */
    PythonEngine(List<Path> pythonPath, Path pycache) {
        this(pythonPath, pycache, true);
    }

    /**
     * An engine for loading an application once to learn its topology, not for running it (the
     * Flink runner's client of a session cluster): its Python is never JIT-compiled. Nothing it runs
     * gets hot enough to pay for compiling, and on a small machine the compiler's threads took
     * cores from the load itself and from the cluster's task managers beside it (docs/flink.md).
     */
    public static PythonEngine forLoadingOnly(List<Path> pythonPath) {
        return new PythonEngine(pythonPath, BytecodeCache.directory(), false);
    }

    private PythonEngine(List<Path> pythonPath, Path pycache, boolean compile) {
        this.engine = compile ? build() : buildWithoutCompilation();
        this.pythonPath = List.copyOf(pythonPath);
        this.pycache = pycache;
        this.codeSharing = SharedImports.lookUp(engine);
    }

    private static Engine build() {
        if (ImportMachinery.ours()) {
            try {
                // engine.CompileOnly is experimental; allowing those also lets a user's own
                // -Dpolyglot.engine.* experiments through without a second flag.
                return builder().allowExperimentalOptions(true)
                        .option("engine.CompileOnly", ImportMachinery.compileOnlyExcludingImports())
                        .build();
            } catch (IllegalArgumentException e) {
                // Interpreter-only runtimes (no JVMCI) have no compilation options; a bad user
                // flag fails again below, and that failure is the one reported.
            }
        }
        try {
            return builder().build();
        } catch (IllegalArgumentException e) {
            // The builder reads -Dpolyglot.* system properties; the launcher's only source of
            // those is the user's WALLAROO_JAVA_OPTS.
            throw new OptionsRejectedException("GraalPy refused a polyglot option: " + e.getMessage()
                    + " These come from -Dpolyglot.* flags, usually in WALLAROO_JAVA_OPTS: fix or remove that flag"
                    + " (an experimental option also needs -Dpolyglot.engine.AllowExperimentalOptions=true).", e);
        }
    }

    private static Engine buildWithoutCompilation() {
        try {
            return builder().option("engine.Compilation", "false").build();
        } catch (IllegalArgumentException e) {
            // A runtime without a compiler has no such option (it compiles nothing anyway); a bad
            // user flag fails again in build(), which reports it.
            return build();
        }
    }

    private static Engine.Builder builder() {
        return Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false");
    }

    /** True when Truffle found the Graal compiler: Python code gets JIT-compiled. */
    public boolean compiling() {
        return !"Interpreted".equals(engine.getImplementationName());
    }

    /** One line for start-up: whether compilation is on, and what to do when it is not. */
    public String compilationStatus() {
        if (compiling()) {
            return "GraalPy runtime compilation: on (" + engine.getImplementationName() + " JIT via JVMCI)";
        }
        return "WARNING: GraalPy runtime compilation is OFF: Python runs interpreter-only, about 30x slower. "
                + "Start through scripts/wallaroo on JDK 21+ so the Graal compiler is on the upgrade module path "
                + "with -XX:+EnableJVMCI.";
    }

    /**
     * A context for one lane. Every context gets the same options (GraalPy's core is shared
     * between contexts only when they agree) and the shared-imports hook.
     */
    public Context newContext() {
        StartupTrace.mark("context: building");
        String path = pythonPath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        Context context = Context.newBuilder("python")
                .engine(engine)
                .allowAllAccess(true)
                .option("python.PythonPath", path)
                .option("python.ForceImportSite", "true")
                .option("python.DontWriteBytecodeFlag", Boolean.toString(pycache == null))
                .option("python.PyCachePrefix", pycache == null ? "" : pycache.toString())
                .out(System.out)
                .err(System.err)
                .build();
        codeSharing.hook().ifPresent(hook -> hook.install(context));
        return context;
    }

    /** Whether modules imported after GraalPy's core share their code between contexts. */
    public boolean sharesCode() {
        return codeSharing.hook().isPresent();
    }

    /** One line for start-up: whether modules share their code between contexts, and why not when they do not. */
    public String codeSharingStatus() {
        return "GraalPy code shared between contexts: " + codeSharing.status();
    }

    /** How many modules' code the contexts share so far. */
    public int sharedModules() {
        return codeSharing.hook().map(SharedImports::sharedModules).orElse(0);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** A -Dpolyglot.* option the polyglot engine does not accept; the message names it and the fix. */
    public static final class OptionsRejectedException extends IllegalArgumentException {
        OptionsRejectedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
