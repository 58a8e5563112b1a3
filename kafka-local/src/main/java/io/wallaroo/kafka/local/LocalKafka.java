package io.wallaroo.kafka.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import kafka.server.BrokerServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) running inside this
 * JVM, for tests, for trying the examples and for benchmarks.
 *
 * <p>It wraps Kafka's own test kit ({@code KafkaClusterTestKit}), which is Kafka's internal test
 * API and may change between releases: this class is the only place that touches it, so a Kafka
 * upgrade means fixing one file. The test kit formats fresh storage in a temporary directory on
 * every start and deletes it on close.
 *
 * <p>The broker keeps its port across {@link #stopBroker()} and {@link #startBroker()} (the test
 * kit re-binds the same port), so clients can reconnect to the address they were given, which is
 * what a broker restart looks like to them.
 */
public final class LocalKafka implements AutoCloseable {
    /** The listener clients use when a fixed port was asked for; the test kit's own stays random. */
    private static final String FIXED_LISTENER = "LOCAL";

    private final KafkaClusterTestKit cluster;
    private final String bootstrap;
    private final Admin admin;

    private LocalKafka(KafkaClusterTestKit cluster, String bootstrap) {
        this.cluster = cluster;
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
    }

    /** A broker on a random loopback port with topics of {@code defaultPartitions} partitions. */
    public static LocalKafka start(int defaultPartitions) throws Exception {
        return start(0, defaultPartitions);
    }

    /**
     * A broker; {@code port} 0 picks a free port. A fixed port is served by an extra listener bound
     * to 127.0.0.1, because the test kit pre-binds its own listener to a random port.
     */
    public static LocalKafka start(int port, int defaultPartitions) throws Exception {
        quietBrokerLogging();
        // Our own directory: the test kit's default one is deleted by a shutdown hook of its own,
        // which on Ctrl-C races the broker's orderly shutdown and fills the terminal with errors.
        Path dataDir = Files.createTempDirectory("wallaroo-kafka-");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setBaseDirectory(dataDir)
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        // One broker: every internal topic must make do with one replica.
        builder.setConfigProp("offsets.topic.replication.factor", "1");
        builder.setConfigProp("offsets.topic.num.partitions", "4");
        builder.setConfigProp("transaction.state.log.replication.factor", "1");
        builder.setConfigProp("transaction.state.log.min.isr", "1");
        builder.setConfigProp("share.coordinator.state.topic.replication.factor", "1");
        builder.setConfigProp("share.coordinator.state.topic.min.isr", "1");
        builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
        builder.setConfigProp("num.partitions", Integer.toString(defaultPartitions));
        builder.setConfigProp("auto.create.topics.enable", "true");
        String broker = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        if (port != 0) {
            builder.setConfigProp("listeners", broker + "://localhost:0," + controller + "://localhost:0,"
                    + FIXED_LISTENER + "://127.0.0.1:" + port);
            builder.setConfigProp("listener.security.protocol.map",
                    broker + ":PLAINTEXT," + controller + ":PLAINTEXT," + FIXED_LISTENER + ":PLAINTEXT");
        }
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        String bootstrap = port != 0 ? "127.0.0.1:" + port : cluster.bootstrapServers();
        return new LocalKafka(cluster, bootstrap);
    }

    /**
     * The broker's own INFO logging is a few hundred lines per start; keep it to warnings unless
     * the user asked for something else with the usual slf4j-simple properties.
     */
    static void quietBrokerLogging() {
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    /** {@code host:port} for clients' bootstrap.servers. */
    public String bootstrapServers() {
        return bootstrap;
    }

    public Admin admin() {
        return admin;
    }

    public void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    public int partitionCount(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
    }

    /** The next offset of every partition of {@code topic} (how many records it holds). */
    public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitionCount(topic); p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e
                : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet()) {
            out.put(e.getKey(), e.getValue().offset());
        }
        return out;
    }

    /** The offsets consumer group {@code groupId} committed; empty when it committed none. */
    public Map<TopicPartition, Long> committedOffsets(String groupId) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        committed.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    /** Records in {@code topic} that group {@code groupId} has not committed yet. */
    public long lag(String groupId, String topic) throws Exception {
        Map<TopicPartition, Long> committed = committedOffsets(groupId);
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : endOffsets(topic).entrySet()) {
            lag += end.getValue() - committed.getOrDefault(end.getKey(), 0L);
        }
        return lag;
    }

    /** Shuts the broker down (the controller stays up); clients see connections refused. */
    public void stopBroker() {
        BrokerServer broker = onlyBroker();
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** Starts the broker again on the same port and waits until it serves clients. */
    public void startBroker() throws Exception {
        onlyBroker().startup();
        cluster.waitForReadyBrokers();
    }

    /** Stops the broker, waits {@code down}, starts it again. */
    public void restartBroker(Duration down) throws Exception {
        stopBroker();
        Thread.sleep(down.toMillis());
        startBroker();
    }

    private BrokerServer onlyBroker() {
        return cluster.brokers().values().iterator().next();
    }

    @Override
    public void close() throws Exception {
        admin.close(Duration.ofSeconds(5));
        cluster.close();
    }
}
