package io.wallaroo.flink.python;

import io.wallaroo.python.LoadedApplication;
import org.graalvm.polyglot.Value;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python for one Flink operator instance: a {@code wallaroo._keyed.KeyedRunner}, in the context
 * of its task ({@link TaskContext}: operators chained into one task share it), its own unless it
 * is a state run inline in the runner of the operator it is chained to. Every
 * context in a task manager is on one polyglot engine per Python path, so GraalPy's core and the
 * application's modules are compiled once per JVM (python-bridge's SharedImports pins the
 * modules' code).
 */
public final class TaskPython implements AutoCloseable {
    private static final AtomicInteger OPENED = new AtomicInteger();

    private final TaskContext context;
    private final Value runner;
    private boolean closed;

    private TaskPython(TaskContext context, Value runner) {
        this.context = context;
        this.runner = runner;
    }

    /**
     * Loads the application if this task has not yet; a failure names the module and carries the
     * Python traceback. Operators of one task that name the same runner share it (a state run
     * inline shares the runner of the operator it is chained to).
     */
    public static TaskPython open(AppBundle bundle, List<String> sinkFormats, int keyGroups, String runnerName,
                                  List<String> inlineStates) {
        // Tells a session cluster's Python warm-up (flink-warmup's PythonWarmup, in this JVM but
        // not in this job's class loader) to stop: the cores are the job's now.
        System.setProperty("wallaroo.python.task-started", "true");
        TaskContext context = TaskContext.acquire(bundle);
        try {
            Value runner = context.keyedRunner(runnerName, sinkFormats, keyGroups, inlineStates);
            OPENED.incrementAndGet();
            return new TaskPython(context, runner);
        } catch (RuntimeException e) {
            context.release();
            throw e;
        }
    }

    /**
     * Offers the context the launcher loaded the application into to the first task of this JVM
     * that opens (the embedded mini-cluster runs its tasks in the launcher's JVM): that task then
     * starts without loading the application again, as a local engine's first lane does.
     */
    public static void offer(AppBundle bundle, LoadedApplication loaded) {
        TaskContext.offer(bundle, loaded);
    }

    /** Python operators opened in this JVM so far (the launcher's readiness check on a mini-cluster). */
    public static int opened() {
        return OPENED.get();
    }

    /** Whether a task took over the launcher's context ({@link #offer}). */
    public static boolean launcherContextTaken() {
        return TaskContext.offerTaken();
    }

    /** Python contexts open in this JVM now: one per task, however many operators it chains. */
    public static int openContexts() {
        return TaskContext.open();
    }

    public Value runner() {
        return runner;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            context.release();
        }
    }
}
