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

    /** On the embedded mini-cluster: every Python task has opened its context (a count in this JVM). */
    static String awaitPythonTasks(int tasks, JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (io.wallaroo.flink.python.TaskPython.opened() < tasks) {
            String ended = ended(job);
            if (ended != null) {
                return ended;
            }
            if (System.nanoTime() > deadline) {
                return "only " + io.wallaroo.flink.python.TaskPython.opened() + " of " + tasks
                        + " Python tasks started within " + timeout.toSeconds() + " s";
            }
            Thread.sleep(100);
        }
        return null;
    }

    private static final java.util.regex.Pattern STATUS = java.util.regex.Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");

    /** On a session cluster: every vertex of the job reports RUNNING through the REST API. */
    static String awaitRunningOnCluster(io.wallaroo.engine.topology.HostPort jm, JobClient job, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://" + jm + "/jobs/" + job.getJobID());
        while (true) {
            String ended = ended(job);
            if (ended != null) {
                return ended;
            }
            try {
                String body = http.send(java.net.http.HttpRequest.newBuilder(uri).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                java.util.regex.Matcher m = STATUS.matcher(body);
                boolean any = false;
                boolean all = true;
                while (m.find()) {
                    any = true;
                    all &= m.group(1).equals("RUNNING") || m.group(1).equals("FINISHED");
                }
                if (any && all) {
                    return null;
                }
            } catch (java.io.IOException e) {
                // the JobManager is busy; ask again
            }
            if (System.nanoTime() > deadline) {
                return "the job's tasks were not all running within " + timeout.toSeconds() + " s (no free slots?)";
            }
            Thread.sleep(250);
        }
    }

    private static String ended(JobClient job) {
        try {
            JobStatus status = job.getJobStatus().get();
            return status.isGloballyTerminalState() ? "the Flink job ended (" + status + ") while starting: " + failure(job) : null;
        } catch (Exception e) {
            return "lost the Flink job while it was starting: " + FlinkCommand.rootMessage(e);
        }
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
