package io.wallaroo.python.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Machida's command-line flags for addresses and multi-worker clusters, declared once for every
 * engine ({@code @Mixin} in the local launcher and in the Flink runner). Each engine decides what
 * they mean to it; none is an error, and every argument still reaches {@code application_setup(args)}.
 */
public final class MachidaFlags {
    @Option(names = {"--in", "-i"}, paramLabel = "HOST:PORT[,...]",
            description = "Input addresses (read by the application's tcp_parse_input_addrs).")
    public String in;

    @Option(names = {"--out", "-o"}, paramLabel = "HOST:PORT[,...]",
            description = "Output addresses (read by the application's tcp_parse_output_addrs).")
    public String out;

    @Option(names = {"--name", "--worker-name", "-n"}, paramLabel = "NAME",
            description = "Machida's worker name: shown in the start-up line; on Flink, the job's name.")
    public String workerName;

    @Option(names = "--worker-count", paramLabel = "N",
            description = "Machida's cluster size: on Flink, the default --parallelism; the local engine runs one process.")
    public Integer workerCount;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Machida's metrics receiver; accepted, not used (the local engine serves --monitor, Flink its own metrics).")
    public String metrics;

    @Option(names = "--control", paramLabel = "HOST:PORT",
            description = "Machida's control channel; accepted, not used (on Flink the JobManager replaces it).")
    public String control;

    @Option(names = "--data", paramLabel = "HOST:PORT",
            description = "Machida's data channel; accepted, not used (on Flink its network stack replaces it).")
    public String data;

    @Option(names = "--external", paramLabel = "HOST:PORT", description = "Machida's external channel; accepted, not used.")
    public String external;

    @Option(names = "--cluster-initializer",
            description = "Machida's first worker of a cluster; accepted, not used (on Flink the JobManager replaces it).")
    public boolean clusterInitializer;

    /**
     * The Machida flags given that the engine does not use, by name: the channel flags, the
     * worker count unless {@code workerCountUsed}, and Pony runtime flags ({@code --pony*}) among
     * the {@code unmatched} arguments.
     */
    public Set<String> unused(boolean workerCountUsed, List<String> unmatched) {
        Set<String> ignored = new LinkedHashSet<>();
        if (metrics != null) ignored.add("--metrics");
        if (control != null) ignored.add("--control");
        if (data != null) ignored.add("--data");
        if (external != null) ignored.add("--external");
        if (clusterInitializer) ignored.add("--cluster-initializer");
        if (workerCount != null && !workerCountUsed) ignored.add("--worker-count");
        for (String arg : unmatched) {
            if (arg.startsWith("--pony")) {
                ignored.add(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
            }
        }
        return ignored;
    }
}
