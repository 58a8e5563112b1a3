package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.topology.SourceSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Input from every partition of a Kafka topic.
 *
 * <p><b>One record is one message.</b> The record's value is handed to the pipeline's decoder as
 * it is: Kafka already delimits records, so the 4-byte length header of Wallaroo's TCP framing
 * (the decoder's {@code header_length}/{@code length_fmt}) does not apply and is ignored. A record
 * without a value (a tombstone) arrives as an empty message; record keys are not passed on.
 *
 * <p><b>Ordering.</b> Each partition is one {@link io.wallaroo.engine.connector.Inlet}, so the
 * runtime keeps every partition's records on one lane, in order.
 *
 * <p><b>At-least-once.</b> Auto-commit is off. An offset is committed only after every effect of
 * the records before it has left the engine (see {@link OffsetTracker}), so a crash or restart
 * re-reads what was in flight and never skips input. The consumer group (named after the
 * application and pipeline unless the application names one) is used for those offsets only:
 * partitions are assigned directly rather than through group membership, because one engine
 * process owns the whole topic, and this way a restarted engine resumes at once instead of
 * waiting for the group to time out the member that died. A group with no committed offsets
 * starts at the beginning of the topic, so records written before the first start are read too.
 *
 * <p><b>Failures.</b> At start the brokers must answer within {@link KafkaOptions#startupTimeout()},
 * otherwise {@link #start} fails naming them. Later, the client reconnects by itself: a restarted
 * broker costs time, not records.
 */
public final class KafkaSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    /** How long start waits for a missing topic to be created (brokers usually create it on first use). */
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(5);

    private final SourceSpec.Kafka spec;
    private final String pipeline;
    private final String groupId;
    private final KafkaOptions options;
    private ConsumerLoop loop;
    private Metrics metrics;
    private String lagPrefix;
    private Thread thread;
    private Map<String, Long> restored;

    /**
     * @param pipeline the pipeline's name, for messages
     * @param groupId  the consumer group whose offsets this source commits
     */
    public KafkaSource(SourceSpec.Kafka spec, String pipeline, String groupId, KafkaOptions options) {
        this.spec = spec;
        this.pipeline = pipeline;
        this.groupId = groupId;
        this.options = options;
    }

    /**
     * Publishes each partition's consumer lag as the gauge {@code PREFIX.partition.N.lag} (records
     * between this source's position and the end of the partition), updated about once a second.
     */
    public KafkaSource reportLagAs(Metrics metrics, String prefix) {
        this.metrics = metrics;
        this.lagPrefix = prefix;
        return this;
    }

    @Override
    public void start(SourceContext context) {
        KafkaLogLevel.apply(spec.logLevel());
        String what = "Kafka source of pipeline '" + pipeline + "' (topic '" + spec.topic() + "')";
        KafkaBrokers.awaitReachable(spec.brokers(), options.startupTimeout(), what);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(context),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = initialPartitions(consumer);
            if (partitions.isEmpty()) {
                LOG.warn("{}: the topic does not exist yet on {}; its partitions are picked up once it is created",
                        what, KafkaBrokers.bootstrap(spec.brokers()));
            }
            loop = new ConsumerLoop(consumer, spec.topic(), context, options.closeTimeout());
            if (metrics != null) {
                Map<Integer, AtomicLong> lags = new ConcurrentHashMap<>();
                loop.reportLagTo((tp, lag) -> lags.computeIfAbsent(tp.partition(), p -> {
                    AtomicLong value = new AtomicLong();
                    metrics.gauge(lagPrefix + ".partition." + p + ".lag", value::get);
                    return value;
                }).set(lag));
            }
            if (restored != null) {
                loop.restoreFrom(restored);
            }
            loop.addPartitions(partitions);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        thread = new Thread(loop, "wallaroo-kafka-source-" + spec.topic());
        thread.setDaemon(true);
        thread.start();
    }

    private Properties consumerProperties(SourceContext context) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokers.bootstrap(spec.brokers()));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "wallaroo-source-" + spec.topic());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A few batches per poll: enough to keep lanes busy, little to deliver after a pause.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.max(500, 4 * context.settings().batchMessages())));
        return props;
    }

    private List<TopicPartition> initialPartitions(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(spec.topic(), Duration.ofSeconds(2));
            } catch (KafkaException e) {
                infos = List.of();
            }
            if (!infos.isEmpty() || System.nanoTime() > deadline) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    /**
     * Resilience on: every partition resumes at the offset the snapshot recorded, one without an
     * offset there from its beginning. Offsets are still committed to the group, for monitoring.
     */
    @Override
    public void restore(Map<String, Long> positions) {
        this.restored = Map.copyOf(positions);
    }

    @Override
    public boolean replayable() {
        return true;
    }

    public String groupId() {
        return groupId;
    }

    @Override
    public String describe() {
        return "kafka topic '" + spec.topic() + "' at " + KafkaBrokers.bootstrap(spec.brokers())
                + " (consumer group '" + groupId + "'" + (loop == null ? "" : ", " + loop.partitionCount() + " partitions") + ")";
    }

    /** Stops reading, waits a while for what was read to finish so its offsets get committed, then leaves. */
    @Override
    public void close() {
        if (loop == null) {
            return;
        }
        loop.stop();
        try {
            thread.join(options.closeTimeout().toMillis() + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
