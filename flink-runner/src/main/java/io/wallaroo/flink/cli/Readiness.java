package io.wallaroo.flink.cli;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SourceSpec;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * "Ready" means what it means for the local engine: the TCP sources accept connections. A Flink
 * job's sources open only once its tasks are deployed and their Python loaded, so this probes
 * each source's address (a connection that sends nothing) and watches the job meanwhile, so a
 * job that fails while starting is reported instead of waited for.
 */
final class Readiness {
    private Readiness() {}

    /** Null when every TCP source listens; otherwise what went wrong. */
    static String awaitTcpSources(Application model, JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Pipeline p : model.pipelines()) {
            if (!(p.source() instanceof SourceSpec.Tcp tcp)) {
                continue;
            }
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(tcp.host(), tcp.port()), 1000);
                    break;
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                try {
                    JobStatus status = job.getJobStatus().get();
                    if (status.isGloballyTerminalState()) {
                        return "the Flink job ended (" + status + ") before its TCP source " + tcp.host() + ":" + tcp.port()
                                + " opened: " + failure(job);
                    }
                } catch (Exception e) {
                    return "lost the Flink job while waiting for its TCP source " + tcp.host() + ":" + tcp.port() + ": "
                            + FlinkCommand.rootMessage(e);
                }
                if (System.nanoTime() > deadline) {
                    return "the TCP source " + tcp.host() + ":" + tcp.port() + " of pipeline '" + p.name() + "' did not open within "
                            + timeout.toSeconds() + " s; is the address free and local to a task manager?";
                }
                Thread.sleep(200);
            }
        }
        return null;
    }

    private static String failure(JobClient job) {
        try {
            job.getJobExecutionResult().get();
            return "no error reported";
        } catch (Exception e) {
            return FlinkCommand.rootMessage(e);
        }
    }
}
