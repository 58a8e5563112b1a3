package io.wallaroo.flink.cli;

import io.wallaroo.engine.topology.HostPort;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.flink.job.JobTranslator;
import io.wallaroo.flink.python.AppBundle;
import io.wallaroo.flink.python.TaskPython;
import io.wallaroo.python.ApplicationLoadException;
import io.wallaroo.python.LoadedApplication;
import io.wallaroo.python.PythonEngine;
import io.wallaroo.python.StartupTrace;
import io.wallaroo.python.WallarooPackage;
import io.wallaroo.python.cli.JitDirectives;
import io.wallaroo.python.cli.MachidaFlags;
import io.wallaroo.python.cli.StartupCache;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.client.program.StreamPlanEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/wallaroo --engine flink ...}: the same application module and flags, run as an
 * Apache Flink job on an embedded mini-cluster or, with {@code --jobmanager}, on a session cluster.
 * Every argument is still handed unchanged to {@code application_setup(args)}.
 */
@Command(name = "wallaroo --engine flink", mixinStandardHelpOptions = true, version = "wallaroo-jvm 0.1.0 (Flink 2.2.1)",
        sortOptions = false, usageHelpWidth = 110,
        description = {"Runs a Wallaroo Python application as an Apache Flink job.",
                "All arguments, including ones not listed here, are passed to application_setup(args)."},
        footerHeading = "%nEnvironment, read by scripts/wallaroo for this JVM (the mini-cluster's, or the submitting client's):%n",
        footer = {
                "  WALLAROO_JAVA_OPTS       JVM flags after the launcher's, so they win: -Xmx2g for state beyond the heap",
                "                           cap (384 MB + 128 MB a task slot). A cluster's task managers have their own.",
                "  WALLAROO_JIT_TIERS       How HotSpot compiles the JVM's code: tuned (default), quick or default.",
                "  WALLAROO_RUNTIME=jdk     $JAVA_HOME instead of the build's runtime image and wallaroo-flink.aot cache.",
                "  WALLAROO_JIT=off         Python without the JIT compiler (about 30x slower)."})
public final class FlinkCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--application-module", required = true, paramLabel = "NAME",
            description = "Python module defining application_setup(args); found in the current directory or on PYTHONPATH.")
    String module;

    @Option(names = "--engine", paramLabel = "flink", description = "flink (this runner); 'local' is scripts/wallaroo's default.")
    String engine;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "Parallel tasks per operator (default: --worker-count, else 1).")
    Integer parallelism;

    @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
            description = "Submit to a Flink session cluster at this REST address (scripts/flink-local prints it); "
                    + "without it the job runs on an embedded mini-cluster in this process.")
    String jobManager;

    @Option(names = "--job-jar", paramLabel = "JAR",
            description = "The job jar shipped to a session cluster (default: flink-runner/target/wallaroo-flink-job.jar).")
    Path jobJar;

    @Option(names = "--app-dir", paramLabel = "DIR",
            description = "Where the application's .py files are (default: the current directory); for submissions "
                    + "whose main() does not run in the application's directory, such as a cluster's REST /jars/run.")
    Path appDir;

    @Option(names = "--resilience-dir", paramLabel = "DIR",
            description = "Checkpoints go to DIR/checkpoints and the savepoint taken on stop to DIR/savepoints.")
    Path resilienceDir;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "2000",
            description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}); Kafka output commits at each.")
    long checkpointMillis;

    @Option(names = "--restore", paramLabel = "PATH|latest",
            description = "Start from a savepoint or retained checkpoint; 'latest' picks the newest under --resilience-dir.")
    String restore;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "512",
            description = "Most messages handed to Python in one call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--flush-ms", paramLabel = "MS",
            description = "A partly filled batch goes to Python after this many milliseconds (default: 1 when every "
                    + "state is chained to its one producer, as at parallelism 1; else 5).")
    Long flushMillis;

    @Option(names = "--buffer-timeout-ms", paramLabel = "MS",
            description = "Longest a partly filled network buffer waits between Flink tasks (default: as --flush-ms; "
                    + "Flink's own default, 100, adds up to that much latency per hop).")
    Long bufferTimeoutMillis;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest accepted TCP input message (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--at-least-once", description = "Kafka sinks without transactions (output is not held until a checkpoint).")
    boolean atLeastOnce;

    /** Machida's address and cluster flags, declared once with the local launcher. */
    @CommandLine.Mixin
    MachidaFlags machida = new MachidaFlags();
    @Option(names = {"--lanes", "--ponythreads"}, paramLabel = "N", description = "Accepted; Flink's task slots replace lanes.")
    Integer lanes;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    private List<String> rawArgs = List.of();

    /**
     * Standard output straight on its file descriptor: by the time a shutdown hook runs,
     * {@code System.out} may already be closed by another hook (GraalVM's), and lines vanish.
     */
    private static final java.io.PrintStream CONSOLE = new java.io.PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8);

    public static void main(String[] args) {
        StreamExecutionEnvironment given = StreamExecutionEnvironment.getExecutionEnvironment();
        if (given instanceof StreamContextEnvironment || given instanceof StreamPlanEnvironment) {
            submitFromClusterClient(args);
            return;
        }
        // Only here, where this JVM is the launcher's own: a cluster client's JVM is not ours to tune.
        JitDirectives.applyInBackground();
        // Flink logs a great deal at INFO; keep what says something is wrong.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.flink", System.getProperty(
                "org.slf4j.simpleLogger.log.org.apache.flink", "warn"));
        for (String quiet : List.of("org.apache.kafka", "org.apache.pekko", "akka")) {
            System.setProperty("org.slf4j.simpleLogger.log." + quiet, System.getProperty(
                    "org.slf4j.simpleLogger.log." + quiet, "warn"));
        }
        for (String noise : List.of("org.apache.flink.runtime.webmonitor.WebMonitorUtils",
                "org.apache.flink.runtime.security.token.DefaultDelegationTokenManager")) {
            System.setProperty("org.slf4j.simpleLogger.log." + noise, "error");
        }
        FlinkCommand command = new FlinkCommand();
        command.rawArgs = List.of(args);
        CommandLine cli = new CommandLine(command).setUnmatchedArgumentsAllowed(true)
                .setUnmatchedOptionsArePositionalParams(false);
        exitCode = cli.execute(args);
        System.exit(exitCode);
    }

    /** The status the stop hook ends the JVM with: 0 on a signal, else what the command returned. */
    private static volatile int exitCode;

    /**
     * main() called by a cluster's own client: {@code flink run JOBJAR ...} or the REST API's
     * {@code /jars/:id/run} (where it runs inside the JobManager). The execution environment is
     * the cluster's: submit the job and return, never exit the JVM (it may be the JobManager's).
     */
    private static void submitFromClusterClient(String[] args) {
        // Such clients may silence System.out/err while main() runs (the REST API does): keep what
        // this run says on standard error so a failure can carry it in its exception.
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
                said.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(b, off, len);
                said.write(b, off, len);
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8));
        int rc;
        try {
            FlinkCommand command = new FlinkCommand();
            command.rawArgs = List.of(args);
            command.clusterClient = true;
            CommandLine cli = new CommandLine(command).setUnmatchedArgumentsAllowed(true)
                    .setUnmatchedOptionsArePositionalParams(false);
            rc = cli.execute(args);
        } finally {
            System.setErr(err);
        }
        if (rc != 0) {
            String text = said.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
            throw new IllegalStateException("wallaroo: the application was not submitted (exit code " + rc + "): "
                    + (text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text));
        }
    }

    /** True when main() runs under a cluster's client with its context environment. */
    private boolean clusterClient;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (CommandFailure e) {
            System.err.println("error: " + e.getMessage());
            return e.exitCode;
        }
    }

    /** Load, translate, submit, wait for ready, then for the job's end: the exit code. */
    private int run() throws Exception {
        reportMappedFlags();
        int n = parallelism != null ? parallelism : machida.workerCount != null ? machida.workerCount : 1;
        if (n < 1) {
            throw new CommandFailure(2, "--parallelism must be at least 1");
        }
        List<Path> pythonPath = pythonPath();
        String startupCache = StartupCache.status();
        if (startupCache != null) {
            System.out.println(startupCache);
        }
        if (!clusterClient && jobManager != null) {
            // Before the application loads (seconds of a cold interpreter): a cluster that is not
            // there, or has too few free slots, is reported at once.
            String problem = ClusterCheck.problem(HostPort.parse(jobManager), n);
            StartupTrace.mark("flink: session cluster checked");
            if (problem != null) {
                throw new CommandFailure(1, problem);
            }
        }
        LoadedApplication app = load(pythonPath);
        AppBundle bundle = AppBundle.capture(module, rawArgs, pythonPath);
        if (!remote()) {
            TaskPython.offer(bundle, app);
        }
        StartupTrace.mark("flink: application bundled");

        StreamExecutionEnvironment flink = environment(jobConfiguration(), n);
        JobTranslator translator = translate(flink, app, bundle, n);
        JobClient job = submit(flink, app);
        if (clusterClient) {
            System.out.println("wallaroo: submitted application '" + app.model().name() + "' as Flink job "
                    + job.getJobID() + " (parallelism " + n + ", " + bundle.bytes() / 1024 + " KiB of Python shipped)");
            return 0;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (stillRunning(job)) {
                stop(job);
            }
            // The job is gone; Flink's own shutdown hooks can wait on services of an embedded
            // cluster that is being torn down, so end here rather than hang.
            CONSOLE.flush();
            System.err.flush();
            Runtime.getRuntime().halt(exitCode);
        }, "wallaroo-flink-stop"));
        awaitReady(app, job, translator);
        StartupTrace.mark("flink: every task running");
        System.out.println(readyLine(app, job, bundle, n));
        try {
            JobExecutionResult result = job.getJobExecutionResult().get();
            System.out.println("wallaroo: job finished after " + result.getNetRuntime() + " ms");
            return 0;
        } catch (ExecutionException e) {
            throw new CommandFailure(1, "the Flink job failed: " + FailureMessage.of(e));
        }
    }

    /** The job runs elsewhere: on a session cluster, or submitted by a cluster's own client. */
    private boolean remote() {
        return clusterClient || jobManager != null;
    }

    /**
     * The application, loaded in a context of its own engine. A session cluster's client (or the
     * cluster's own, for /jars) only needs the topology, so its Python is not compiled and is
     * closed once loaded. On the embedded mini-cluster the tasks run in this JVM too: the first
     * task to open takes over this very context, the application already loaded
     * (TaskPython.offer), so the engine stays open for it.
     */
    private LoadedApplication load(List<Path> pythonPath) throws CommandFailure {
        PythonEngine python;
        try {
            python = remote() ? PythonEngine.forLoadingOnly(pythonPath) : new PythonEngine(pythonPath);
        } catch (PythonEngine.OptionsRejectedException e) {
            throw new CommandFailure(2, e.getMessage());
        }
        try {
            LoadedApplication app = LoadedApplication.load(python.newContext(), module, rawArgs);
            if (remote()) {
                app.context().close(true);
                python.close();
            }
            return app;
        } catch (ApplicationLoadException e) {
            python.close();
            if (!e.pythonTraceback().isEmpty()) {
                System.err.print(e.pythonTraceback());
            }
            throw new CommandFailure(1, e.getMessage());
        }
    }

    /** The application's dataflow on {@code flink}, and the line that says how it batches and chains. */
    private JobTranslator translate(StreamExecutionEnvironment flink, LoadedApplication app, AppBundle bundle, int n)
            throws CommandFailure {
        flink.setParallelism(n);
        flink.setMaxParallelism(128);
        JobTranslator translator = new JobTranslator(app.model(), bundle, new JobTranslator.Settings(n, batchSize, flushMillis,
                bufferTimeoutMillis, maxFrameBytes, !atLeastOnce));
        try {
            translator.translate(flink);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(1, e.getMessage());
        }
        StartupTrace.mark("flink: job translated");
        System.out.println("wallaroo: a partly filled batch waits " + translator.flushMillis() + " ms (--flush-ms), a network buffer "
                + translator.bufferTimeoutMillis() + " ms (--buffer-timeout-ms)" + (flushMillis != null && bufferTimeoutMillis != null ? ""
                : translator.chainsEveryState() ? "; every state is chained to its one producer" : "; some state is fed through a keyBy shuffle"));
        if (System.getenv("WALLAROO_FLINK_PLAN") != null) {
            System.out.println(flink.getExecutionPlan());
        }
        return translator;
    }

    private JobClient submit(StreamExecutionEnvironment flink, LoadedApplication app) throws CommandFailure {
        try {
            JobClient job = flink.executeAsync(machida.workerName != null ? machida.workerName : app.model().name());
            StartupTrace.mark("flink: job submitted");
            return job;
        } catch (Exception e) {
            throw new CommandFailure(1, "cannot submit the job to " + (jobManager != null ? "the Flink cluster at " + jobManager
                    : "the embedded Flink mini-cluster") + ": " + FailureMessage.of(e));
        }
    }

    /**
     * Returns once the job is ready: on a cluster, every task running; on the mini-cluster, every
     * server source listening and every Python operator open.
     */
    private void awaitReady(LoadedApplication app, JobClient job, JobTranslator translator) throws Exception {
        String problem;
        if (jobManager != null) {
            problem = Readiness.awaitRunningOnCluster(HostPort.parse(jobManager), job, Duration.ofSeconds(300));
        } else {
            problem = Readiness.awaitServerSources(app.model(), job, Duration.ofSeconds(180));
            StartupTrace.mark("flink: sources listening");
            if (problem == null) {
                problem = Readiness.awaitPythonOperators(translator.pythonOperators(), job, Duration.ofSeconds(300));
            }
        }
        if (problem != null) {
            throw new CommandFailure(1, problem);
        }
    }

    /** Ends the command early: {@code call} prints the message as an error and exits with the code. */
    private static final class CommandFailure extends Exception {
        final int exitCode;

        CommandFailure(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** The application's directory, the wallaroo package and the user's PYTHONPATH, absolute. */
    private List<Path> pythonPath() {
        List<Path> pythonPath = new ArrayList<>();
        pythonPath.add(WallarooPackage.locate());
        pythonPath.add((appDir != null ? appDir : Path.of("")).toAbsolutePath());
        String env = System.getenv("PYTHONPATH");
        if (env != null) {
            for (String entry : env.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    pythonPath.add(Path.of(entry).toAbsolutePath());
                }
            }
        }
        return pythonPath;
    }

    /** Restarts, exactly-once checkpoints, where they and savepoints go, and what to restore from. */
    private Configuration jobConfiguration() throws java.io.IOException {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        if (resilienceDir != null) {
            Files.createDirectories(resilienceDir);
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, resilienceDir.toAbsolutePath().resolve("checkpoints").toUri().toString());
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, resilienceDir.toAbsolutePath().resolve("savepoints").toUri().toString());
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
        }
        if (restore != null) {
            Path from = "latest".equals(restore) ? Restore.latest(resilienceDir) : Path.of(restore).toAbsolutePath();
            if (from == null) {
                System.out.println("wallaroo: nothing to restore under " + resilienceDir + "; starting empty");
            } else {
                System.out.println("wallaroo: restoring from " + from);
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, from.toUri().toString());
            }
        }
        return conf;
    }

    /** The cluster client's own environment, a session cluster's, or an embedded mini-cluster of {@code n} slots. */
    private StreamExecutionEnvironment environment(Configuration conf, int n) {
        if (clusterClient) {
            if (jobManager != null) {
                System.out.println("wallaroo: --jobmanager " + jobManager + " ignored: the cluster's own client submits this job");
            }
            return StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        if (jobManager != null) {
            HostPort jm = HostPort.parse(jobManager);
            Path jar = jobJar != null ? jobJar : JobJar.locate();
            return StreamExecutionEnvironment.createRemoteEnvironment(jm.host(), jm.port(), conf, jar.toString());
        }
        return StreamExecutionEnvironment.createLocalEnvironment(n, conf);
    }

    /** "wallaroo: ready: ..." with where the job runs and, on the mini-cluster, how many Python contexts it has. */
    private String readyLine(LoadedApplication app, JobClient job, AppBundle bundle, int n) {
        List<String> names = app.model().pipelines().stream().map(Pipeline::name).toList();
        return "wallaroo: ready: application '" + app.model().name() + "' as Flink job " + job.getJobID()
                + " (parallelism " + n + (jobManager != null ? ", cluster " + jobManager : ", embedded mini-cluster, "
                + counted(TaskPython.openContexts(), "Python context") + " for " + counted(TaskPython.opened(), "Python operator")
                + (!TaskPython.launcherContextTaken() ? "" : TaskPython.openContexts() == 1 ? ", the launcher's own" : ", one the launcher's own"))
                + ", " + bundle.bytes() / 1024 + " KiB of Python shipped), pipelines " + names;
    }

    /**
     * On Ctrl-C / SIGTERM: a savepoint when there is a resilience dir (resume with --restore
     * latest, at any parallelism), else cancel. A savepoint can be refused while tasks are still
     * starting or recovering; it is retried, and if it still fails the job is cancelled, keeping its
     * last retained checkpoint, which --restore latest resumes from just as well.
     */
    private void stop(JobClient job) {
        if (resilienceDir != null) {
            String target = resilienceDir.toAbsolutePath().resolve("savepoints").toUri().toString();
            for (int attempt = 1; attempt <= 5; attempt++) {
                try {
                    String path = job.stopWithSavepoint(false, target, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
                    say("wallaroo: stopped with savepoint " + path);
                    return;
                } catch (Exception e) {
                    say("wallaroo: savepoint attempt " + attempt + " failed: " + FailureMessage.of(e));
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException interrupted) {
                        break;
                    }
                }
            }
        }
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
            say("wallaroo: job cancelled" + (resilienceDir == null ? ""
                    : "; its last checkpoint is kept under " + resilienceDir + " (resume with --restore latest)"));
        } catch (Exception e) {
            say("wallaroo: cancelling the job: " + FailureMessage.of(e));
        }
    }

    /** False when the job already ended (or its cluster is gone): then there is nothing to stop. */
    private static boolean stillRunning(JobClient job) {
        try {
            return !job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (Exception e) {
            return false;
        }
    }

    /** A stop message: on standard output, and in the resilience dir's log of savepoints taken. */
    private void say(String line) {
        CONSOLE.println(line);
        if (resilienceDir != null) {
            try {
                Files.writeString(resilienceDir.resolve("wallaroo-flink.log"), java.time.Instant.now() + " " + line + "\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException ignored) {
                // the console line is enough
            }
        }
    }

    private static String counted(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private void reportMappedFlags() {
        Set<String> ignored = machida.unused(true, unmatched);
        if (lanes != null) ignored.add("--ponythreads/--lanes (use --parallelism)");
        if (machida.workerCount != null && parallelism == null) {
            System.out.println("wallaroo: --worker-count " + machida.workerCount + " becomes --parallelism " + machida.workerCount);
        }
        if (!ignored.isEmpty()) {
            System.out.println("wallaroo: accepted but not used by the Flink runner: " + String.join(", ", ignored));
        }
    }
}
