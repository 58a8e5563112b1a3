package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.LogThrottle;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.ByteBudget;
import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.SinkRecords;
import io.wallaroo.engine.topology.SinkSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Output to a Kafka topic. Chunks arrive in the RECORDS layout ({@link SinkRecords}): each
 * (key, value) the encoder returned becomes one Kafka record, and the key picks the partition
 * through Kafka's default partitioner (murmur2 of the key; records without a key are spread).
 *
 * <p><b>Acknowledgement.</b> A chunk's completion is released only when the broker has
 * acknowledged every record of it ({@code acks=all}), which is what lets a Kafka source commit
 * its offsets: output that was never written keeps its input uncommitted.
 *
 * <p><b>Broker outages.</b> The producer is idempotent and its delivery timeout is unbounded, so
 * it retries through a broker restart of any length without duplicating or reordering; what it
 * has not had acknowledged stays within a bounded budget ({@link ByteBudget}), after which
 * {@link #write} blocks the lane and the engine pauses its inputs.
 *
 * <p><b>Settings.</b> {@code max_produce_buffer_ms} is the producer's {@code linger.ms};
 * {@code max_message_size} its {@code max.request.size} (0 keeps Kafka's default). A record larger
 * than that is a per-message error: it is logged, counted in the metric
 * {@code sink.<id>.too_large}, and dropped; the sink and the rest of its chunk go on. Other
 * errors the broker will not retry are treated the same way under {@code sink.<id>.rejected}.
 *
 * <p><b>Exactly once</b> (with a {@link KafkaTransactions}): records go through the application's
 * transactional producer instead of one of the sink's own, into the open snapshot epoch's
 * transaction. A record too large for {@code max.request.size} is dropped before it is sent (a
 * refused record would doom the whole transaction); any other refusal fails the transaction.
 */
public final class KafkaSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    private static final long RETRY_MILLIS = 500;

    private final SinkSpec.Kafka spec;
    private final int sinkId;
    private final KafkaOptions options;
    private final Metrics metrics;
    private final ByteBudget budget;
    private final LogThrottle errorLog = new LogThrottle(5);
    private final LogThrottle retryLog = new LogThrottle(1);
    private ScheduledExecutorService retries;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean closed;
    private KafkaTransactions transactions; // null: at least once, through the sink's own producer

    /**
     * @param bufferLimit bytes of records in flight (sent, not acknowledged) before write blocks
     * @param metrics     where per-message errors are counted
     */
    public KafkaSink(SinkSpec.Kafka spec, int sinkId, long bufferLimit, KafkaOptions options, Metrics metrics) {
        this.spec = spec;
        this.sinkId = sinkId;
        this.options = options;
        this.metrics = metrics;
        this.budget = new ByteBudget(bufferLimit);
    }

    /** One record on its way: the chunk it belongs to learns when it is done. */
    private record Outgoing(byte[] key, byte[] value, ChunkProgress chunk) {
        long size() {
            return (key == null ? 0 : key.length) + value.length;
        }
    }

    /** Releases a chunk's completion when its last record is done. */
    private static final class ChunkProgress {
        private final AtomicInteger remaining;
        private final Completion completion;

        ChunkProgress(int records, Completion completion) {
            this.remaining = new AtomicInteger(records);
            this.completion = completion;
        }

        void recordDone() {
            if (remaining.decrementAndGet() == 0) {
                completion.release();
            }
        }
    }

    /** Writes through {@code output}'s transactions (exactly once); call before {@link #start}. */
    public KafkaSink transactional(KafkaTransactions output) {
        this.transactions = output;
        return this;
    }

    @Override
    public void start() {
        if (transactions != null) {
            return; // the transactional producer is up already: the engine asked it what was committed
        }
        KafkaLogLevel.apply(spec.logLevel());
        KafkaBrokers.awaitReachable(spec.brokers(), options.startupTimeout(), "Kafka sink (topic '" + spec.topic() + "')");
        producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wallaroo-kafka-sink-retry-" + spec.topic());
            t.setDaemon(true);
            return t;
        });
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokers.bootstrap(spec.brokers()));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "wallaroo-sink-" + spec.topic());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(spec.maxProduceBufferMs()));
        int maxRequest = spec.maxMessageSize() > 0 ? spec.maxMessageSize() : 1024 * 1024;
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequest));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(Math.min(64 * 1024, maxRequest)));
        // Room beyond our own budget, so the producer's buffer never is what blocks.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 2 * budget.limit())));
        return props;
    }

    @Override
    public void write(SinkChunk chunk) throws InterruptedException {
        List<byte[][]> pairs = new ArrayList<>();
        SinkRecords.forEach(chunk.bytes(), (key, value) -> pairs.add(new byte[][] {key, value}));
        if (pairs.isEmpty()) {
            chunk.completion().release();
            return;
        }
        ChunkProgress progress = new ChunkProgress(pairs.size(), chunk.completion());
        for (byte[][] pair : pairs) {
            Outgoing record = new Outgoing(pair[0], pair[1], progress);
            budget.acquire(record.size());
            send(record);
        }
    }

    private void send(Outgoing record) {
        if (transactions != null) {
            sendInTransaction(record);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(spec.topic(), record.key(), record.value()),
                    (metadata, error) -> acknowledged(record, error));
        } catch (RuntimeException e) {
            // send reports most failures through the callback; what it throws is treated the same way
            acknowledged(record, e);
        }
    }

    private void sendInTransaction(Outgoing record) {
        int maxRequest = spec.maxMessageSize() > 0 ? spec.maxMessageSize() : 1024 * 1024;
        if (record.size() + 128 > maxRequest) { // 128: a generous bound on the record's own headers
            metrics.add("sink." + sinkId + ".too_large", 1);
            logDropped(record, "it is larger than max_message_size " + spec.maxMessageSize() + " bytes");
            done(record);
            return;
        }
        try {
            transactions.send(new ProducerRecord<>(spec.topic(), record.key(), record.value()),
                    (metadata, error) -> acknowledgedInTransaction(record, error));
        } catch (RuntimeException e) {
            acknowledgedInTransaction(record, e);
        }
    }

    private void acknowledgedInTransaction(Outgoing record, Exception error) {
        if (error == null) {
            done(record);
        } else if (closed) {
            budget.release(record.size());
        } else {
            // The transaction cannot commit now; the engine stops at the commit and the epoch replays.
            // Releasing the record lets the snapshot reach that commit instead of waiting for it.
            transactions.failed(error);
            metrics.add("sink." + sinkId + ".rejected", 1);
            logDropped(record, KafkaTransactions.explain(error));
            done(record);
        }
    }

    private void acknowledged(Outgoing record, Exception error) {
        if (error == null) {
            done(record);
        } else if (closed) {
            // Aborted by close(): the record was not written, so its input must stay uncommitted.
            budget.release(record.size());
        } else if (error instanceof RecordTooLargeException) {
            metrics.add("sink." + sinkId + ".too_large", 1);
            logDropped(record, "it is larger than max_message_size " + spec.maxMessageSize()
                    + " bytes (or the broker's message.max.bytes)");
            done(record);
        } else if (error instanceof RetriableException) {
            long dropped = retryLog.admit();
            if (dropped >= 0) {
                LOG.warn("Kafka sink (topic '{}'): {}; retrying", spec.topic(), error.toString());
            }
            try {
                retries.schedule(() -> send(record), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                budget.release(record.size()); // closing meanwhile
            }
        } else {
            metrics.add("sink." + sinkId + ".rejected", 1);
            logDropped(record, error.toString());
            done(record);
        }
    }

    private void logDropped(Outgoing record, String why) {
        long dropped = errorLog.admit();
        if (dropped >= 0) {
            String more = dropped > 0 ? " (" + dropped + " more not logged)" : "";
            LOG.error("Kafka sink (topic '{}'): a record of {} bytes ({}) was dropped: {}; the sink goes on{}",
                    spec.topic(), record.size(), record.key() == null ? "no key" : "key of " + record.key().length + " bytes",
                    why, more);
        }
    }

    private void done(Outgoing record) {
        budget.release(record.size());
        record.chunk().recordDone();
    }

    @Override
    public boolean drain(long millis) throws InterruptedException {
        if (producer == null && transactions == null) {
            return true;
        }
        return budget.awaitEmpty(millis);
    }

    @Override
    public String describe() {
        return "kafka sink topic '" + spec.topic() + "' at " + KafkaBrokers.bootstrap(spec.brokers());
    }

    @Override
    public void close() {
        closed = true;
        if (retries != null) {
            retries.shutdownNow();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
