package io.wallaroo.flink.python;

import io.wallaroo.python.ApplicationLoadException;
import io.wallaroo.python.LoadedApplication;
import io.wallaroo.python.PythonEngine;
import io.wallaroo.python.cli.StartupCache;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Python for one Flink operator instance: its own context (created in {@code open()}), the
 * application loaded in it, and a {@code wallaroo._keyed.KeyedRunner}. All instances in one
 * task manager share one polyglot engine per Python path, so GraalPy's core and the application's
 * modules are compiled once per JVM (python-bridge's SharedImports pins the modules' code).
 */
public final class TaskPython implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskPython.class);
    private static final Map<List<Path>, PythonEngine> ENGINES = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger OPENED = new java.util.concurrent.atomic.AtomicInteger();

    private final Context context;
    private final Value runner;
    private final LoadedApplication app;

    private TaskPython(Context context, LoadedApplication app, Value runner) {
        this.context = context;
        this.app = app;
        this.runner = runner;
    }

    /** Loads the application; a failure names the module and carries the Python traceback. */
    public static TaskPython open(AppBundle bundle, List<String> sinkFormats, int keyGroups) {
        // Tells a session cluster's Python warm-up (flink-warmup's PythonWarmup, in this JVM but
        // not in this job's class loader) to stop: the cores are the job's now.
        System.setProperty("wallaroo.python.task-started", "true");
        List<Path> path = bundle.unpack();
        PythonEngine engine = ENGINES.computeIfAbsent(path, TaskPython::newEngine);
        Context context = engine.newContext();
        try {
            LoadedApplication app = LoadedApplication.load(context, bundle.module(), bundle.args());
            Value keyed = context.eval("python", "import wallaroo._keyed as k\nk");
            Value runner = keyed.invokeMember("make_keyed_runner", app.loadResult(), sinkFormats.toArray(), keyGroups);
            OPENED.incrementAndGet();
            return new TaskPython(context, app, runner);
        } catch (ApplicationLoadException e) {
            context.close(true);
            throw new IllegalStateException("application module '" + bundle.module() + "' cannot be loaded on task manager "
                    + hostName() + ": " + e.getMessage() + (e.pythonTraceback().isEmpty() ? "" : "\n" + e.pythonTraceback()), e);
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    private static PythonEngine newEngine(List<Path> path) {
        PythonEngine engine = new PythonEngine(path);
        // On a session cluster's task manager this is the one place that says whether its JVM started
        // from scripts/flink-local's AOT cache.
        String startupCache = StartupCache.status();
        LOG.info("Python engine for {}: {}; {}{}", path, engine.compilationStatus(), engine.codeSharingStatus(),
                startupCache == null ? "" : "; " + startupCache);
        return engine;
    }

    /** Contexts opened in this JVM so far (the launcher's readiness check on a mini-cluster). */
    public static int opened() {
        return OPENED.get();
    }

    /** Whether the shared engine JIT-compiles (false means the task manager lacks the Graal compiler). */
    public static String compilationStatus(AppBundle bundle) {
        PythonEngine engine = ENGINES.get(bundle.unpack());
        return engine == null ? "" : engine.compilationStatus();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "?";
        }
    }

    public Context context() {
        return context;
    }

    public Value runner() {
        return runner;
    }

    public LoadedApplication app() {
        return app;
    }

    @Override
    public void close() {
        context.close(true);
    }
}
