package io.wallaroo.flink.warmup;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Python work for an idle task manager, so its first job does not meet a cold JVM.
 *
 * <p>A job's tasks load their interpreters on a JVM whose just-in-time compilers have not yet seen
 * GraalPy: HotSpot compiles GraalPy's interpreter and the Graal compiler itself while the first
 * job's words wait. On a session cluster's task manager the second job on the same JVM got its
 * tasks running in about half the time and ran its first words faster (docs/flink.md). This runs
 * {@code warmup.py}, the kind of work application steps do, in a context of its own on its own
 * engine (the job's classes are not here: they come with each job), round after round, until its
 * time is up or a task of the Flink runner starts (which sets {@value #TASK_STARTED}), so it never
 * competes with a job for long. Then it closes its context; what stays is the JVM's compiled code.
 *
 * <p>It only takes CPU nobody else wants ({@link IdleCpu}): it starts once the task manager itself
 * has gone quiet (registered with the JobManager), and it pauses while other processes are busy,
 * such as a job's client loading the application on the same machine, which it would otherwise
 * slow down more than it speeds up the job's tasks.
 */
public final class PythonWarmup implements Runnable {
    /** Seconds of rounds (and pauses) after the warm-up's own context is up; 0 (the default) turns it off. */
    public static final String SECONDS = "wallaroo.warmup.seconds";
    /** The system property a Flink runner task sets when it opens Python (TaskPython in flink-runner). */
    public static final String TASK_STARTED = "wallaroo.python.task-started";
    /** Where the launchers keep GraalPy's bytecode files (scripts/graal-jvm.sh sets it). */
    private static final String PYCACHE = "wallaroo.pycache.default";

    /** How long a task manager may stay busy after it starts before the warm-up gives up. */
    private static final Duration QUIET_WITHIN = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(PythonWarmup.class);

    private final Duration budget;
    private final String pycache;

    PythonWarmup(Duration budget, String pycache) {
        this.budget = budget;
        this.pycache = pycache;
    }

    /** The warm-up {@value #SECONDS} asks for, if any. */
    static Optional<PythonWarmup> fromSystemProperties() {
        String seconds = System.getProperty(SECONDS, "0");
        double value;
        try {
            value = Double.parseDouble(seconds);
        } catch (NumberFormatException e) {
            LOG.warn("Python warm-up off: -D{}={} is not a number of seconds", SECONDS, seconds);
            return Optional.empty();
        }
        if (value <= 0) {
            return Optional.empty();
        }
        return Optional.of(new PythonWarmup(Duration.ofMillis((long) (value * 1000)), System.getProperty(PYCACHE)));
    }

    void startInBackground() {
        Thread thread = new Thread(this, "wallaroo-python-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        IdleCpu cpu = new IdleCpu();
        if (!cpu.awaitQuietProcess(QUIET_WITHIN, PythonWarmup::taskStarted)) {
            LOG.info("Python warm-up: not run ({})", taskStarted() ? "a job's task started first"
                    : "the task manager was still busy " + QUIET_WITHIN.toSeconds() + " s after it started");
            return;
        }
        long paused = 0;
        try (Engine engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build();
             Context context = Context.newBuilder("python").engine(engine).allowAllAccess(true)
                     .option("python.ForceImportSite", "true")
                     .option("python.DontWriteBytecodeFlag", Boolean.toString(pycache == null))
                     .option("python.PyCachePrefix", pycache == null ? "" : pycache)
                     .build()) {
            context.eval(script());
            Value round = context.getBindings("python").getMember("warm_round");
            long deadline = System.nanoTime() + budget.toNanos();
            int rounds = 0;
            while (System.nanoTime() < deadline && !taskStarted()) {
                if (cpu.othersBusy()) {
                    // The pause counts against the seconds given, so a machine that stays busy ends
                    // the warm-up all the same.
                    Thread.sleep(IdleCpu.PAUSE.toMillis());
                    paused += IdleCpu.PAUSE.toNanos();
                    continue;
                }
                round.execute();
                rounds++;
            }
            LOG.info("Python warm-up: {} rounds, {} ms in all, {} ms of it paused for other processes ({})", rounds,
                    (System.nanoTime() - started) / 1_000_000, paused / 1_000_000,
                    taskStarted() ? "stopped: a job's task started" : "its time was up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (PolyglotException | IllegalArgumentException | IllegalStateException | IOException e) {
            // Nothing depends on the warm-up; a task manager without it only starts its first job colder.
            LOG.warn("Python warm-up skipped: {}", e.getMessage());
        }
    }

    private static boolean taskStarted() {
        return System.getProperty(TASK_STARTED) != null;
    }

    private static Source script() throws IOException {
        try (InputStream in = PythonWarmup.class.getResourceAsStream("warmup.py")) {
            if (in == null) {
                throw new IOException("warmup.py is missing from " + PythonWarmup.class.getProtectionDomain().getCodeSource());
            }
            return Source.newBuilder("python", new InputStreamReader(in, StandardCharsets.UTF_8), "warmup.py").build();
        }
    }
}
