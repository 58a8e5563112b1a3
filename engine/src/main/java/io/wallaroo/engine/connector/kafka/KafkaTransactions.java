package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.LogThrottle;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.TransactionalOutput;
import io.wallaroo.engine.topology.SinkSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Exactly-once output to Kafka: one transactional producer for every Kafka sink of the
 * application (they must share one cluster, so one transaction covers them all), one transaction
 * per snapshot epoch.
 *
 * <p><b>The commit record.</b> Each transaction also commits, through
 * {@code sendOffsetsToTransaction}, an "offset" for a consumer group of its own
 * ({@code <transactional id>.commits}) on partition 0 of the first sink's topic: the id of the
 * snapshot that covers the transaction's output. Kafka makes it visible atomically with the
 * output. At start, {@code initTransactions} fences any older producer with the same
 * transactional id and settles the transaction it left (aborted, or a commit that had begun is
 * finished); the group's committed offset then is the newest snapshot whose output is in Kafka.
 * A newer snapshot file (a crash between the file and the commit) is not restored.
 *
 * <p><b>Epochs.</b> Between {@link #endEpoch()} and the commit (the snapshot's file write plus one
 * commit round trip), records are held here in order, still counted against each sink's byte
 * budget, so lanes block rather than buffer without bound; they are sent into the next
 * transaction right after the commit.
 *
 * <p><b>Errors.</b> A record the broker refuses inside a transaction makes the transaction
 * uncommittable ({@link #failed}); the commit then fails and the engine stops, so the epoch is
 * produced again after a restart. Broker outages only delay a commit: it is retried, each failed
 * attempt counted in {@code kafka.transactions.failed}.
 */
public final class KafkaTransactions implements TransactionalOutput {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransactions.class);

    private final List<SinkSpec.Kafka> sinks;
    private final String transactionalId;
    private final String commitGroup;
    private final TopicPartition commitPartition;
    private final int transactionTimeoutMs;
    private final KafkaOptions options;
    private final Metrics metrics;
    private final long bufferLimit;
    private final LogThrottle retryLog = new LogThrottle(1);
    private final Object lock = new Object();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private KafkaProducer<byte[], byte[]> producer;
    private boolean holding;           // between endEpoch and commit or carryOver
    private boolean sentInTransaction; // the open transaction holds output
    private long committed = -1;       // the snapshot id the broker holds
    private volatile Exception failed; // a record failed: the open transaction cannot commit

    private record Held(ProducerRecord<byte[], byte[]> record, Callback callback) {}

    /**
     * @param application      names the transactional id ({@code wallaroo.<application>.kafka-sinks}):
     *                         stable across restarts, so a restarted process fences the old one
     * @param snapshotInterval the transaction timeout is ten intervals, at least 60 s
     * @param bufferLimit      the most bytes a sink keeps unacknowledged (sizes the producer's memory)
     */
    public KafkaTransactions(String application, List<SinkSpec.Kafka> sinks, Duration snapshotInterval,
                             KafkaOptions options, Metrics metrics, long bufferLimit) {
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no Kafka sink");
        }
        String bootstrap = KafkaBrokers.bootstrap(sinks.get(0).brokers());
        for (SinkSpec.Kafka s : sinks) {
            if (!KafkaBrokers.bootstrap(s.brokers()).equals(bootstrap)) {
                throw new IllegalArgumentException("exactly-once Kafka output needs every Kafka sink on the same brokers "
                        + "(one transaction covers them all), but topic '" + sinks.get(0).topic() + "' goes to " + bootstrap
                        + " and topic '" + s.topic() + "' to " + KafkaBrokers.bootstrap(s.brokers())
                        + "; use one cluster, or --kafka-sink-delivery at-least-once");
            }
        }
        this.sinks = List.copyOf(sinks);
        this.transactionalId = "wallaroo." + KafkaGroupIds.slug(application) + ".kafka-sinks";
        this.commitGroup = transactionalId + ".commits";
        this.commitPartition = new TopicPartition(sinks.get(0).topic(), 0);
        this.transactionTimeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(60_000, 10 * snapshotInterval.toMillis()));
        this.options = options;
        this.metrics = metrics;
        this.bufferLimit = bufferLimit;
    }

    public String transactionalId() {
        return transactionalId;
    }

    private String bootstrap() {
        return KafkaBrokers.bootstrap(sinks.get(0).brokers());
    }

    private Properties producerProperties() {
        int linger = sinks.stream().mapToInt(SinkSpec.Kafka::maxProduceBufferMs).max().orElse(0);
        int maxRequest = sinks.stream().mapToInt(s -> s.maxMessageSize() > 0 ? s.maxMessageSize() : 1024 * 1024).max().orElse(1024 * 1024);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "wallaroo-sinks-" + transactionalId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(transactionTimeoutMs));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Math.max(5_000, options.startupTimeout().toMillis())));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(linger));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequest));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(64 * 1024, maxRequest)));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2L * sinks.size() * bufferLimit)));
        return props;
    }

    @Override
    public OptionalLong lastCommittedSnapshot() throws Exception {
        KafkaLogLevel.apply(sinks.get(0).logLevel());
        KafkaBrokers.awaitReachable(sinks.get(0).brokers(), options.startupTimeout(),
                "exactly-once Kafka output (topic '" + commitPartition.topic() + "')");
        producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            producer = null;
            throw new KafkaUnavailableException("exactly-once Kafka output: cannot start transactions as '" + transactionalId
                    + "' on " + bootstrap() + ": " + explain(e));
        }
        try {
            producer.partitionsFor(commitPartition.topic()); // the commit record names partition 0 of this topic
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            producer = null;
            throw new KafkaUnavailableException("exactly-once Kafka output: the sink topic '" + commitPartition.topic()
                    + "' is not available on " + bootstrap() + " (" + e.getMessage() + "); create it (or let the broker "
                    + "create topics on first use) before starting");
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "wallaroo-commit-reader");
        try (Admin admin = Admin.create(props)) {
            // requireStable: wait for a commit that is still being completed rather than read the old value
            OffsetAndMetadata last = admin.listConsumerGroupOffsets(commitGroup, new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata().get(options.startupTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .get(commitPartition);
            committed = last == null ? -1 : last.offset();
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("exactly-once Kafka output: cannot read which snapshot was committed last "
                    + "(consumer group '" + commitGroup + "' on " + bootstrap() + "): " + e.getCause());
        }
        return committed < 0 ? OptionalLong.empty() : OptionalLong.of(committed);
    }

    @Override
    public void begin(long restoredId) throws Exception {
        if (committed != restoredId) {
            // First run in this mode, or the directory was emptied: the broker learns where this run starts.
            producer.beginTransaction();
            sendCommitRecord(restoredId);
            commitWithRetries();
            committed = restoredId;
        }
        producer.beginTransaction();
        LOG.info("exactly-once Kafka output: transactional id '{}', transaction timeout {} ms, resuming after snapshot {}",
                transactionalId, transactionTimeoutMs, restoredId);
    }

    /** Sends a record into the open transaction, or holds it while an epoch's commit is under way. */
    void send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        synchronized (lock) { // one order per key: held records leave before any sent after them
            if (holding) {
                held.add(new Held(record, callback));
                return;
            }
            sentInTransaction = true;
            producer.send(record, callback);
        }
    }

    /** A record failed inside the open transaction: it cannot commit (the engine then stops). */
    void failed(Exception error) {
        if (failed == null) {
            failed = error;
        }
    }

    @Override
    public void endEpoch() {
        synchronized (lock) {
            holding = true;
        }
    }

    @Override
    public void commit(long snapshotId) throws Exception {
        Exception broken = failed;
        if (broken != null) {
            metrics.add("kafka.transactions.failed", 1);
            throw new KafkaException("a record of this epoch was refused by the broker (" + explain(broken)
                    + "), so its transaction cannot commit");
        }
        boolean hasOutput;
        synchronized (lock) {
            hasOutput = sentInTransaction;
        }
        if (hasOutput || snapshotId != committed) {
            long start = System.nanoTime();
            try {
                sendCommitRecord(snapshotId);
                commitWithRetries();
            } catch (KafkaException e) {
                metrics.add("kafka.transactions.failed", 1);
                throw new KafkaException(explain(e), e);
            }
            long micros = (System.nanoTime() - start) / 1000;
            committed = snapshotId;
            metrics.add("kafka.transactions.committed", 1);
            metrics.add("kafka.transactions.commit.micros.total", micros);
            metrics.raiseTo("kafka.transactions.commit.micros.max", micros);
            producer.beginTransaction();
            synchronized (lock) {
                sentInTransaction = false;
            }
        }
        release();
    }

    @Override
    public void carryOver() {
        release();
    }

    /** Held records go into the open transaction, in the order they came. */
    private void release() {
        synchronized (lock) {
            holding = false;
            while (!held.isEmpty()) {
                Held h = held.poll();
                sentInTransaction = true;
                producer.send(h.record(), h.callback());
            }
        }
    }

    private void sendCommitRecord(long snapshotId) {
        retrying(() -> producer.sendOffsetsToTransaction(
                Map.of(commitPartition, new OffsetAndMetadata(snapshotId, "wallaroo snapshot " + snapshotId)),
                new ConsumerGroupMetadata(commitGroup)));
    }

    private void commitWithRetries() {
        retrying(producer::commitTransaction);
    }

    /** Runs a transaction call again after a timeout (the broker is away): Kafka allows that; anything else is final. */
    private void retrying(Runnable call) {
        while (true) {
            try {
                call.run();
                return;
            } catch (TimeoutException e) {
                metrics.add("kafka.transactions.failed", 1);
                if (retryLog.admit() >= 0) {
                    LOG.warn("exactly-once Kafka output: a transaction step timed out on {} ({}); retrying, output waits meanwhile",
                            bootstrap(), e.getMessage());
                }
            }
        }
    }

    /** The cause of a transaction failure and what to do about it. */
    static String explain(Exception error) {
        Exception e = error;
        for (Throwable t = error; t != null; t = t.getCause()) { // "in an error state" wraps the real cause
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof InvalidTxnTimeoutException || t instanceof UnsupportedVersionException
                    || t instanceof AuthorizationException || t instanceof TimeoutException) {
                e = (Exception) t;
                break;
            }
        }
        String fix;
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
            fix = "another engine process started with the same application name against these brokers and took over "
                    + "its transactions (or this transaction ran longer than its timeout); run one process per application";
        } else if (e instanceof InvalidTxnTimeoutException) {
            fix = "the broker's transaction.max.timeout.ms is below the transaction timeout this engine asks for "
                    + "(ten snapshot intervals, at least 60 s); raise it on the broker or lower --snapshot-interval";
        } else if (e instanceof UnsupportedVersionException) {
            fix = "the broker does not support transactions; upgrade it or use --kafka-sink-delivery at-least-once";
        } else if (e instanceof AuthorizationException) {
            fix = "the broker refuses this client's transactional id or group; grant it WRITE and DESCRIBE on the "
                    + "transactional id and READ on the commit group, or use --kafka-sink-delivery at-least-once";
        } else if (e instanceof TimeoutException) {
            fix = "the broker did not answer in time; it may not support transactions (its transaction.state.log."
                    + "replication.factor and min.isr must not exceed the number of brokers) or be unreachable; "
                    + "fix the broker or use --kafka-sink-delivery at-least-once";
        } else {
            fix = "see the broker's log";
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage() + " (" + fix + ")";
    }

    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5)); // an open transaction is aborted; the last snapshot's output is committed
        }
    }
}
