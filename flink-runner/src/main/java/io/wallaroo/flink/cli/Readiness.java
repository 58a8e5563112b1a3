package io.wallaroo.flink.cli;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.HostPort;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.flink.connect.ListeningSources;
import io.wallaroo.flink.python.TaskPython;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Ready" means what it means for the local engine: the server sources (TCP, extension) accept
 * connections. A Flink job's sources open only once its tasks are deployed and their Python
 * loaded, so this waits for them and watches the job meanwhile, so a job that fails while
 * starting is reported instead of waited for. On the mini-cluster each TCP source and source extension says when it listens
 * ({@link ListeningSources}); on a cluster every task must be running: a TCP source's reader binds
 * while its task initializes, so a running task has its address, and a taken one fails the task
 * instead (a source extension there binds once the enumerator hands its reader the split, which
 * can be just after).
 */
final class Readiness {
    private Readiness() {}

    /**
     * On the embedded mini-cluster: null when every TCP source and every source extension listens,
     * as the local engine's do at "ready"; otherwise what went wrong.
     */
    static String awaitServerSources(Application model, JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Pipeline p : model.pipelines()) {
            String name;
            HostPort address;
            if (p.source() instanceof SourceSpec.Tcp tcp) {
                name = "TCP source";
                address = new HostPort(tcp.host(), tcp.port());
            } else if (p.source() instanceof SourceSpec.Extension extension) {
                name = "source extension";
                address = new HostPort(extension.host(), extension.port());
            } else {
                continue;
            }
            while (!ListeningSources.listening(address.host(), address.port())) {
                try {
                    JobStatus status = job.getJobStatus().get();
                    if (status.isGloballyTerminalState()) {
                        return "the Flink job ended (" + status + ") before its " + name + " " + address + " opened: " + failure(job);
                    }
                } catch (Exception e) {
                    return "lost the Flink job while waiting for its " + name + " " + address + ": " + FailureMessage.of(e);
                }
                if (System.nanoTime() > deadline) {
                    return "the " + name + " " + address + " of pipeline '" + p.name() + "' did not open within "
                            + timeout.toSeconds() + " s";
                }
                Thread.sleep(50);
            }
        }
        return null;
    }

    /** On the embedded mini-cluster: every Python operator has opened (a count in this JVM). */
    static String awaitPythonOperators(int operators, JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (TaskPython.opened() < operators) {
            String ended = ended(job);
            if (ended != null) {
                return ended;
            }
            if (System.nanoTime() > deadline) {
                return "only " + TaskPython.opened() + " of " + operators
                        + " Python operators started within " + timeout.toSeconds() + " s";
            }
            Thread.sleep(100);
        }
        return null;
    }

    private static final Pattern TASKS = Pattern.compile("\"tasks\"\\s*:\\s*\\{([^}]*)}");

    /**
     * On a session cluster: all of the job's tasks are running, by the task counts of the REST
     * API's {@code /jobs/overview}. The dispatcher answers that one from the job's live state;
     * {@code /jobs/:id} comes from a cache that is refreshed only every {@code web.refresh-interval}
     * (3 s by default), which put up to 3 s between the last task running and "ready".
     */
    static String awaitRunningOnCluster(HostPort jm, JobClient job, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobManagerRest rest = new JobManagerRest(jm);
        while (true) {
            String ended = ended(job);
            if (ended != null) {
                return ended;
            }
            try {
                JobManagerRest.Answer overview = rest.get("/jobs/overview", 10_000);
                if (overview.status() == 200 && allTasksRunning(overview.body(), job.getJobID().toHexString())) {
                    return null;
                }
            } catch (java.io.IOException e) {
                // the JobManager is busy; ask again
            }
            if (System.nanoTime() > deadline) {
                return "the job's tasks were not all running within " + timeout.toSeconds() + " s (no free slots?)";
            }
            Thread.sleep(200);
        }
    }

    /** Whether the job's entry in a {@code /jobs/overview} answer counts every task running (or finished). */
    static boolean allTasksRunning(String overview, String jobId) {
        Matcher jid = Pattern.compile("\"jid\"\\s*:\\s*\"" + Pattern.quote(jobId) + "\"").matcher(overview);
        if (!jid.find()) {
            return false;
        }
        Matcher tasks = TASKS.matcher(overview);
        if (!tasks.find(jid.end())) {
            return false;
        }
        String counts = tasks.group(1);
        int total = count(counts, "total");
        return total > 0 && count(counts, "running") + count(counts, "finished") == total;
    }

    private static int count(String counts, String state) {
        Matcher m = Pattern.compile("\"" + state + "\"\\s*:\\s*(\\d+)").matcher(counts);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String ended(JobClient job) {
        try {
            JobStatus status = job.getJobStatus().get();
            return status.isGloballyTerminalState() ? "the Flink job ended (" + status + ") while starting: " + failure(job) : null;
        } catch (Exception e) {
            return "lost the Flink job while it was starting: " + FailureMessage.of(e);
        }
    }

    private static String failure(JobClient job) {
        try {
            job.getJobExecutionResult().get();
            return "no error reported";
        } catch (Exception e) {
            return FailureMessage.of(e);
        }
    }
}
