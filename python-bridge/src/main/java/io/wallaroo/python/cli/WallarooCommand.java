package io.wallaroo.python.cli;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.connector.kafka.KafkaOptions;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.snapshot.SnapshotMismatchException;
import io.wallaroo.engine.snapshot.SnapshotStore;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.python.ApplicationLoadException;
import io.wallaroo.python.LoadedApplication;
import io.wallaroo.python.PythonEngine;
import io.wallaroo.python.PythonLaneExecutorFactory;
import io.wallaroo.python.StartupTrace;
import io.wallaroo.python.WallarooPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a Wallaroo Python application, taking Machida's command line. Every argument is also
 * handed unchanged to the application's {@code application_setup(args)}, so applications parse
 * their own flags; flags this engine does not act on are accepted and reported once.
 */
@Command(name = "wallaroo", mixinStandardHelpOptions = true, versionProvider = WallarooVersion.class,
        sortOptions = false, usageHelpWidth = 110,
        description = {"Runs a Wallaroo Python application (Machida-compatible flags) on the JVM with GraalPy.",
                "All arguments, including ones not listed here, are passed to application_setup(args)."},
        footerHeading = "%nEnvironment, read by the launcher (docs/design.md, \"Start-up, warm-up and memory\"):%n",
        footer = {
                "  WALLAROO_JAVA_OPTS       More JVM flags, after the launcher's, so they win: -Xmx2g for large state,",
                "                           -XX:+UseSerialGC (less memory), -XX:+UseZGC (short pauses, more CPU).",
                "  WALLAROO_JIT_TIERS       tuned (default), quick (C1 only: ready and full speed sooner, 50 MB less,",
                "                           17-23% less warm throughput) or default (HotSpot's own tiers).",
                "  WALLAROO_RUNTIME=jdk     Run on $JAVA_HOME instead of the build's runtime image and start-up cache.",
                "  WALLAROO_PYCACHE=DIR     Where Python bytecode is cached (default: in the runtime image); off for none.",
                "  WALLAROO_SHARE_CODE=off  Each lane compiles its own copy of the code (for measuring).",
                "  WALLAROO_STARTUP_TRACE=1 Print each start-up phase with the wall and CPU time since launch.",
                "  WALLAROO_JIT=off         Run Python without the JIT compiler (about 30x slower)."})
public final class WallarooCommand implements Callable<Integer> {

    @Option(names = "--application-module", required = true, paramLabel = "NAME",
            description = "Python module defining application_setup(args); found in the current directory or on PYTHONPATH.")
    String module;

    /** Machida's address and cluster flags, shared with the Flink runner. */
    @CommandLine.Mixin
    MachidaFlags machida = new MachidaFlags();

    @Option(names = {"--lanes", "--ponythreads"}, paramLabel = "N",
            description = "Parallel Python lanes, one GraalPy context and thread each (default: one per core, "
                    + "but 1 on machines with 2 cores or fewer). "
                    + "--ponythreads is Machida's spelling.")
    Integer lanes;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest accepted input message; a connection sending a larger frame is closed (default: ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "512",
            description = "Most messages handed to Python in one call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--spread-input", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With several lanes, give each batch of one connection (or partition) to the next lane, "
                    + "so one input uses every lane; the first partitioned state step sees each key's messages in "
                    + "input order either way. --no-spread-input keeps each connection on one lane (default: on).")
    boolean spreadInput;

    @Option(names = "--lane-niceness", paramLabel = "N", defaultValue = "5",
            description = "On Linux, each lane thread lowers its scheduling priority to this niceness (0-19), so the JIT "
                    + "compilers come first while the application warms up; 0 keeps the launcher's priority, e.g. on a "
                    + "machine shared with other busy processes (default: ${DEFAULT-VALUE}).")
    int laneNiceness;

    @Option(names = "--kafka-startup-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long Kafka sources and sinks wait for their brokers at start before the engine gives up "
                    + "with an error naming them (default: ${DEFAULT-VALUE}).")
    int kafkaStartupSeconds;

    @Option(names = "--monitor", paramLabel = "HOST:PORT",
            description = "Serve the live page (/), Prometheus metrics (/metrics) and probes (/health, /ready) over HTTP "
                    + "on exactly this address. Off by default.")
    String monitor;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "Log a status line (messages/s in and out, p99, errors, back-pressure) every SECONDS while "
                    + "messages flow; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int statusInterval;

    @Option(names = "--resilience-dir", paramLabel = "DIR",
            description = "Keep state snapshots here and restore from them at start (off when absent); see docs/resilience.md.")
    String resilienceDir;

    @Option(names = "--snapshot-interval", paramLabel = "MILLIS", defaultValue = "500",
            description = "With --resilience-dir: milliseconds between snapshots (default: ${DEFAULT-VALUE}).")
    long snapshotIntervalMillis;

    @Option(names = "--kafka-sink-delivery", paramLabel = "MODE", defaultValue = "at-least-once",
            description = "at-least-once (default) or exactly-once: with --resilience-dir, Kafka sinks write in "
                    + "transactions committed with each snapshot; consumers read with isolation.level=read_committed. "
                    + "See docs/resilience.md.")
    String kafkaSinkDelivery;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private List<String> rawArgs = List.of();

    public static void main(String[] args) {
        JitDirectives.applyInBackground();
        WallarooCommand command = new WallarooCommand();
        command.rawArgs = List.of(args);
        CommandLine cli = new CommandLine(command).setUnmatchedArgumentsAllowed(true)
                .setUnmatchedOptionsArePositionalParams(false);
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        StartupTrace.mark("launcher main");
        reportIgnoredFlags();
        if (!kafkaSinkDelivery.equals("at-least-once") && !kafkaSinkDelivery.equals("exactly-once")) {
            System.err.println("error: --kafka-sink-delivery must be at-least-once or exactly-once, not '" + kafkaSinkDelivery + "'");
            return 2;
        }
        boolean exactlyOnce = kafkaSinkDelivery.equals("exactly-once");
        if (exactlyOnce && resilienceDir == null) {
            System.err.println("error: --kafka-sink-delivery exactly-once needs --resilience-dir DIR: each snapshot commits "
                    + "the Kafka transaction holding its output; add --resilience-dir or use at-least-once");
            return 2;
        }
        Monitoring monitoring;
        try {
            monitoring = Monitoring.open(monitor, statusInterval);
        } catch (io.wallaroo.monitor.MonitorException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        List<Path> pythonPath = new ArrayList<>();
        pythonPath.add(WallarooPackage.locate());
        pythonPath.add(Path.of("").toAbsolutePath());
        String env = System.getenv("PYTHONPATH");
        if (env != null) {
            for (String entry : env.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    pythonPath.add(Path.of(entry).toAbsolutePath());
                }
            }
        }
        StartupTrace.mark("wallaroo package located");
        int laneCount = lanes != null ? lanes : DefaultLanes.forThisMachine();
        if (laneCount < 1) {
            System.err.println("--lanes must be at least 1");
            return 2;
        }
        if (laneNiceness < 0 || laneNiceness > 19) {
            System.err.println("error: --lane-niceness must be between 0 and 19 (raising a thread's priority needs "
                    + "privileges the engine does not ask for), not " + laneNiceness);
            return 2;
        }
        PythonEngine python;
        try {
            python = new PythonEngine(pythonPath);
        } catch (PythonEngine.OptionsRejectedException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        StartupTrace.mark("polyglot engine built");
        System.out.println(python.compilationStatus());
        if (laneCount > 1) {
            System.out.println(python.codeSharingStatus());
        }
        String startupCache = StartupCache.status();
        if (startupCache != null) {
            System.out.println(startupCache);
        }
        LoadedApplication app;
        try {
            app = LoadedApplication.load(python.newContext(), module, rawArgs);
        } catch (ApplicationLoadException e) {
            if (!e.pythonTraceback().isEmpty()) {
                System.err.print(e.pythonTraceback());
            }
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        StartupTrace.mark("application loaded in the first context");
        EngineSettings settings = EngineSettings.defaults(laneCount)
                .withMaxFrameBytes(maxFrameBytes).withBatchMessages(batchSize).withSpreadInput(spreadInput)
                .withLaneNiceness(laneNiceness);
        if (resilienceDir != null) {
            // A snapshot waits for the lanes to finish what is queued when it is cut: shallower
            // queues keep that pause short (8k messages per lane is still 16 batches of 512).
            settings = settings.withWatermarks(Math.min(settings.highWatermark(), 8192), Math.min(settings.lowWatermark(), 2048));
        }
        StreamEngine engine = new StreamEngine(app.model(),
                new PythonLaneExecutorFactory(python, app, module, rawArgs, settings.spreadInput()),
                new Connectors(KafkaOptions.defaults().withStartupTimeout(Duration.ofSeconds(kafkaStartupSeconds))
                        .withExactlyOnce(exactlyOnce)), settings);
        monitoring.attach(engine, WallarooVersion.get(), python::compiling);
        if (resilienceDir != null) {
            if (snapshotIntervalMillis < 1) {
                System.err.println("error: --snapshot-interval must be at least 1 (milliseconds)");
                return 2;
            }
            try {
                engine.enableSnapshots(SnapshotStore.open(Path.of(resilienceDir), 32),
                        Duration.ofMillis(snapshotIntervalMillis));
            } catch (java.io.IOException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            monitoring.close();
            engine.close();
            System.out.println("wallaroo: stopped; counters " + engine.metrics().snapshot());
            stopped.countDown();
        }, "wallaroo-shutdown"));
        try {
            // Inputs open once lane 0 (which reuses the context loaded above) is ready; the other
            // lanes' interpreters finish starting while their input queues up.
            engine.start(false);
            engine.lanesStarted().whenComplete((ok, failure) -> lanesStarted(failure));
        } catch (ApplicationLoadException e) {
            if (!e.pythonTraceback().isEmpty()) {
                System.err.print(e.pythonTraceback());
            }
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (SnapshotMismatchException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("error: cannot start application '" + app.model().name() + "': " + e.getMessage());
            return 1;
        }
        monitoring.started();
        if (resilienceDir != null) {
            System.out.println("wallaroo: resilience: " + engine.restoreSummary() + "; snapshots every "
                    + snapshotIntervalMillis + " ms");
        }
        StartupTrace.mark("engine started");
        List<String> names = app.model().pipelines().stream().map(Pipeline::name).toList();
        String worker = machida.workerName == null ? "" : " (worker " + machida.workerName + ")";
        System.out.println("wallaroo: ready" + worker + ": application '" + app.model().name() + "' with " + laneCount
                + " lane(s), pipelines " + names);
        stopped.await();
        return 0;
    }

    /** A lane that failed to start after "ready" ends the process as a start-up failure would. */
    private static void lanesStarted(Throwable failure) {
        if (failure == null) {
            StartupTrace.mark("all lanes started");
            return;
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApplicationLoadException e && !e.pythonTraceback().isEmpty()) {
            System.err.print(e.pythonTraceback());
        }
        System.err.println("error: a lane could not start: " + cause.getMessage());
        System.exit(1);
    }

    private void reportIgnoredFlags() {
        Set<String> ignored = machida.unused(false, unmatched);
        if (!ignored.isEmpty()) {
            System.out.println("wallaroo: accepted but not used by this engine yet: " + String.join(", ", ignored));
        }
    }
}
