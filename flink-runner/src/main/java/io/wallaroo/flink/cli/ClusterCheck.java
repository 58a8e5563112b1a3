package io.wallaroo.flink.cli;

import io.wallaroo.engine.topology.HostPort;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a session cluster's REST endpoint, before submitting, whether it is there and has the
 * task slots the job needs, so those cases fail at once with the cause instead of waiting for
 * Flink's resource timeout.
 */
final class ClusterCheck {
    private static final Pattern TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");
    private static final Pattern FREE = Pattern.compile("\"slots-available\"\\s*:\\s*(\\d+)");

    private ClusterCheck() {}

    /** A sentence naming the problem, or null when the job can be submitted. */
    static String problem(HostPort jobManager, int slotsNeeded) {
        String body;
        try {
            JobManagerRest.Answer r = new JobManagerRest(jobManager).get("/overview", 10_000);
            if (r.status() != 200) {
                return "the Flink JobManager at " + jobManager + " answered HTTP " + r.status() + " to /overview; "
                        + "is that its REST port (scripts/flink-local status prints it)?";
            }
            body = r.body();
        } catch (Exception e) {
            return "cannot reach a Flink JobManager at " + jobManager + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); start one with scripts/flink-local start, "
                    + "or give --jobmanager its REST address";
        }
        Matcher total = TOTAL.matcher(body);
        Matcher free = FREE.matcher(body);
        if (total.find() && free.find()) {
            int available = Integer.parseInt(free.group(1));
            if (available < slotsNeeded) {
                return "the Flink cluster at " + jobManager + " has " + available + " free task slot(s) of "
                        + total.group(1) + ", and this job needs " + slotsNeeded + " (its parallelism): start more task "
                        + "managers (scripts/flink-local start --taskmanagers N), or lower --parallelism";
            }
        }
        return null;
    }
}
