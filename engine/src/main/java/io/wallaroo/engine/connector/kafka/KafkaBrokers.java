package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.topology.HostPort;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Checks at start-up that a connector's brokers answer. Kafka clients never fail on an
 * unreachable broker, they retry forever; that is right mid-stream (a restarted broker comes back)
 * but at start it would leave the engine running and silently idle on a wrong address.
 */
final class KafkaBrokers {
    private KafkaBrokers() {}

    /** "host:port,host:port" for the clients' bootstrap.servers. */
    static String bootstrap(List<HostPort> brokers) {
        return brokers.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }

    /**
     * Waits up to {@code timeout} for any of {@code brokers} to describe the cluster.
     *
     * @param what names the connector in the error, e.g. "Kafka source of pipeline 'x' (topic 't')"
     * @throws KafkaUnavailableException naming the brokers when none answered
     */
    static void awaitReachable(List<HostPort> brokers, Duration timeout, String what) {
        String bootstrap = bootstrap(brokers);
        long millis = Math.max(1, timeout.toMillis());
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "wallaroo-startup-probe");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(millis));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(millis, 5_000)));
        String failure;
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(millis, Integer.MAX_VALUE)))
                    .nodes().get(millis + 2_000, TimeUnit.MILLISECONDS);
            return;
        } catch (ExecutionException e) {
            failure = e.getCause() == null ? e.toString() : e.getCause().getMessage();
        } catch (TimeoutException e) {
            failure = "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (KafkaException e) {
            // For example a host name that does not resolve: Admin.create refuses it outright.
            failure = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        }
        throw new KafkaUnavailableException(what + ": no Kafka broker answered at " + bootstrap + " within "
                + describe(timeout) + " (" + failure + "); is Kafka running there? "
                + "The launcher's --kafka-startup-timeout sets how long to wait");
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
