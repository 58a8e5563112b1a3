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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One GraalPy context with the application loaded, shared by the Python operators that Flink
 * chains into one task. Chained operators run on the task's one thread, one call at a time, so
 * they can share a context as a local engine's steps share their lane's; a second context for the
 * same thread only cost start-up time (a cold interpreter loading the application again, about
 * 1.4 s on 2 cores) and memory. Each operator has a runner of its own, so a state operator's
 * entities and their dirty set stay its own, except a state run inline in the runner of the
 * operator it is chained to (JobTranslator). Operators of other tasks, on other threads, get
 * contexts of their own.
 */
final class TaskContext {
    private static final Logger LOG = LoggerFactory.getLogger(TaskContext.class);
    /** One engine per Python path in this JVM: contexts on it share GraalPy's core and compiled code. */
    private static final Map<List<Path>, PythonEngine> ENGINES = new ConcurrentHashMap<>();
    private static final Map<Key, TaskContext> OPEN = new HashMap<>();

    private record Key(Thread thread, List<Path> path, String module, List<String> args) {
    }

    /** A context with the application loaded, waiting for the first task that needs one (guarded by OPEN). */
    private record Offer(String module, List<String> args, LoadedApplication app) {
    }

    private static Offer offered;
    private static boolean offerTaken;

    private final Key key;
    private final Context context;
    private final LoadedApplication app;
    /** Runners by name: only this context's task thread uses them. */
    private final Map<String, Value> runners = new HashMap<>();
    private int users;

    private TaskContext(Key key, Context context, LoadedApplication app) {
        this.key = key;
        this.context = context;
        this.app = app;
    }

    /**
     * The calling thread's context for this bundle, loading the application into a new one the
     * first time; every call must be matched by a {@link #release()}.
     */
    static TaskContext acquire(AppBundle bundle) {
        List<Path> path = bundle.unpack();
        Key key = new Key(Thread.currentThread(), path, bundle.module(), bundle.args());
        synchronized (OPEN) {
            TaskContext shared = OPEN.get(key);
            if (shared != null) {
                shared.users++;
                return shared;
            }
        }
        TaskContext loaded = takeOffer(key);
        // Only this thread acquires this key, so loading outside the lock cannot race.
        if (loaded == null) {
            loaded = load(key, bundle);
        }
        synchronized (OPEN) {
            loaded.users = 1;
            OPEN.put(key, loaded);
        }
        return loaded;
    }

    /**
     * Offers a context the launcher loaded this application into. A task on another thread may
     * take it over: the launcher no longer uses it, and a context may move between threads as
     * long as one uses it at a time. Only one task takes it; a restarted task loads afresh.
     */
    static void offer(AppBundle bundle, LoadedApplication app) {
        synchronized (OPEN) {
            offered = new Offer(bundle.module(), List.copyOf(bundle.args()), app);
        }
    }

    private static TaskContext takeOffer(Key key) {
        synchronized (OPEN) {
            Offer offer = offered;
            if (offer == null || !offer.module().equals(key.module()) || !offer.args().equals(key.args())) {
                return null;
            }
            offered = null;
            offerTaken = true;
            return new TaskContext(key, offer.app().context(), offer.app());
        }
    }

    private static TaskContext load(Key key, AppBundle bundle) {
        PythonEngine engine = ENGINES.computeIfAbsent(key.path(), TaskContext::newEngine);
        Context context = engine.newContext();
        try {
            return new TaskContext(key, context, LoadedApplication.load(context, bundle.module(), bundle.args()));
        } catch (ApplicationLoadException e) {
            context.close(true);
            throw new IllegalStateException("application module '" + bundle.module() + "' cannot be loaded on task manager "
                    + hostName() + ": " + e.getMessage() + (e.pythonTraceback().isEmpty() ? "" : "\n" + e.pythonTraceback()), e);
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    /**
     * The {@code wallaroo._keyed.KeyedRunner} of this name in this context, made the first time
     * an operator asks for it (its operators agree on the states it runs inline).
     */
    Value keyedRunner(String name, List<String> sinkFormats, int keyGroups, List<String> inlineStates) {
        return runners.computeIfAbsent(name, n -> {
            Value keyed = context.eval("python", "import wallaroo._keyed as k\nk");
            return keyed.invokeMember("make_keyed_runner", app.loadResult(), sinkFormats.toArray(), keyGroups,
                    inlineStates.toArray());
        });
    }

    /** Closes the context once the last operator using it lets go. */
    void release() {
        synchronized (OPEN) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(key, this);
        }
        context.close(true);
    }

    /** Whether a task took over the context the launcher offered. */
    static boolean offerTaken() {
        synchronized (OPEN) {
            return offerTaken;
        }
    }

    /** Contexts open in this JVM (one per task thread and application). */
    static int open() {
        synchronized (OPEN) {
            return OPEN.size();
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

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "?";
        }
    }
}
