package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatchBuilder;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.SourceContext;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread that owns a {@link KafkaConsumer} (the client is not thread-safe, so everything that
 * touches it happens here): polls, cuts records into batches per partition, applies the runtime's
 * pause and resume requests, and commits the offsets that {@link OffsetTracker} says are safe.
 */
final class ConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long COMMIT_EVERY_NANOS = 100_000_000L;
    private static final long DISCOVER_EVERY_NANOS = 10_000_000_000L;
    /** A commit whose callback has not come after this long is taken as lost (insurance; the client times requests out). */
    private static final long COMMIT_GIVE_UP_NANOS = 60_000_000_000L;
    private static final byte[] EMPTY = new byte[0];

    /** One partition as the runtime sees it: an inlet, its offsets in flight, its pause request. */
    private static final class PartitionInput implements FlowControl {
        final TopicPartition partition;
        final String positionName;      // how snapshots name this input: the partition number
        final OffsetTracker offsets = new OffsetTracker();
        Inlet inlet;
        volatile boolean pauseWanted;   // set by the runtime's flow gate, any thread
        boolean paused;                 // what the consumer was told, polling thread only
        long committed = -1;            // last offset the broker accepted, polling thread only

        PartitionInput(TopicPartition partition) {
            this.partition = partition;
            this.positionName = Integer.toString(partition.partition());
        }

        @Override public void pause() { pauseWanted = true; }
        @Override public void resume() { pauseWanted = false; }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final SourceContext context;
    private final Duration closeTimeout;
    private final FrameBatchBuilder builder;
    private final Map<TopicPartition, PartitionInput> inputs = new LinkedHashMap<>();
    private volatile boolean stopping;
    private boolean commitInFlight;
    private long lastCommit;
    private long lastDiscovery = System.nanoTime();
    private String lastPollProblem;
    private long lastLagReport;
    /** Told each partition's lag (records behind the end of the log) about once a second. */
    private java.util.function.ObjLongConsumer<TopicPartition> lagReport = (tp, lag) -> {};
    /** Per partition number, where a restored snapshot says to resume; null when not restoring. */
    private Map<String, Long> restored;

    ConsumerLoop(KafkaConsumer<byte[], byte[]> consumer, String topic, SourceContext context, Duration closeTimeout) {
        this.consumer = consumer;
        this.topic = topic;
        this.context = context;
        this.closeTimeout = closeTimeout;
        int batchMessages = context.settings().batchMessages();
        this.builder = new FrameBatchBuilder(batchMessages * 64, batchMessages);
    }

    void reportLagTo(java.util.function.ObjLongConsumer<TopicPartition> report) {
        this.lagReport = report;
    }

    /**
     * From now on, partitions start where {@code positions} (by partition number) say, and those
     * not named start at the beginning: the snapshot is the truth, not the committed offsets.
     */
    void restoreFrom(Map<String, Long> positions) {
        this.restored = Map.copyOf(positions);
    }

    /** Opens an inlet for each partition not seen before and assigns them all to the consumer. */
    void addPartitions(List<TopicPartition> partitions) {
        boolean added = false;
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!inputs.containsKey(tp)) {
                PartitionInput input = new PartitionInput(tp);
                input.inlet = context.openInlet("kafka " + tp, input);
                inputs.put(tp, input);
                fresh.add(tp);
                added = true;
            }
        }
        if (added) {
            // Partitions kept from the previous assignment keep their positions.
            consumer.assign(new ArrayList<>(inputs.keySet()));
            if (restored != null) {
                List<TopicPartition> fromStart = new ArrayList<>();
                for (TopicPartition tp : fresh) {
                    Long at = restored.get(Integer.toString(tp.partition()));
                    if (at == null) {
                        fromStart.add(tp);
                    } else {
                        consumer.seek(tp, at);
                    }
                }
                if (!fromStart.isEmpty()) {
                    consumer.seekToBeginning(fromStart);
                }
            }
        }
    }

    int partitionCount() {
        return inputs.size();
    }

    /** Asks the loop to finish; safe from any thread. */
    void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    step();
                } catch (WakeupException e) {
                    // stop() interrupted a blocking call; the loop condition decides
                } catch (RuntimeException e) {
                    LOG.error("Kafka source for topic '{}' hit an unexpected error; it goes on", topic, e);
                    sleepQuietly(500);
                }
            }
            finish();
        } finally {
            inputs.values().forEach(in -> in.inlet.close());
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer of topic '{}'", topic, e);
            }
        }
    }

    private void step() {
        applyFlowControl();
        commitSafeOffsets();
        discoverPartitions();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL);
            lastPollProblem = null;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The client retries connection problems by itself; what reaches here (an authorisation
            // failure, a reset that is not allowed...) is logged once per kind and retried.
            if (!e.toString().equals(lastPollProblem)) {
                LOG.warn("Kafka source for topic '{}': {}; retrying", topic, e.toString());
                lastPollProblem = e.toString();
            }
            sleepQuietly(500);
            return;
        }
        deliver(records);
        reportLag();
    }

    /** The client knows each partition's lag from its last fetch: reading it costs no request. */
    private void reportLag() {
        long now = System.nanoTime();
        if (now - lastLagReport < 1_000_000_000L) {
            return;
        }
        lastLagReport = now;
        for (TopicPartition tp : inputs.keySet()) {
            java.util.OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                lagReport.accept(tp, lag.getAsLong());
            }
        }
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            PartitionInput input = inputs.get(tp);
            if (input == null) {
                continue;
            }
            long next = -1;
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                byte[] value = record.value() == null ? EMPTY : record.value();
                builder.add(value, 0, value.length);
                next = record.offset() + 1;
                if (builder.full()) {
                    handOver(input, next);
                }
            }
            if (builder.count() > 0) {
                handOver(input, next);
            }
        }
    }

    private void handOver(PartitionInput input, long next) {
        OffsetTracker.Batch batch = input.offsets.track(next);
        input.inlet.deliver(builder.take(new Completion(batch::finish)), Map.of(input.positionName, next));
    }

    private void applyFlowControl() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (PartitionInput input : inputs.values()) {
            boolean wanted = input.pauseWanted;
            if (wanted != input.paused) {
                (wanted ? pause : resume).add(input.partition);
                input.paused = wanted;
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /**
     * Commits every partition's safe offset that moved since the broker last accepted one. One
     * asynchronous commit at a time: a failed one (broker away) is simply retried by the next.
     */
    private void commitSafeOffsets() {
        long sinceLast = System.nanoTime() - lastCommit;
        if (commitInFlight && sinceLast > COMMIT_GIVE_UP_NANOS) {
            commitInFlight = false;
        }
        if (commitInFlight || sinceLast < COMMIT_EVERY_NANOS) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = safeOffsetsToCommit();
        if (offsets.isEmpty()) {
            return;
        }
        lastCommit = System.nanoTime();
        commitInFlight = true;
        consumer.commitAsync(offsets, (done, error) -> {
            commitInFlight = false;
            if (error == null) {
                done.forEach((tp, om) -> accepted(tp, om.offset()));
            } else {
                LOG.debug("committing offsets of topic '{}' failed ({}); retrying", topic, error.toString());
            }
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> safeOffsetsToCommit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionInput input : inputs.values()) {
            long safe = input.offsets.safeOffset();
            if (safe > input.committed) {
                offsets.put(input.partition, new OffsetAndMetadata(safe));
            }
        }
        return offsets;
    }

    private void accepted(TopicPartition tp, long offset) {
        PartitionInput input = inputs.get(tp);
        if (input != null && offset > input.committed) {
            input.committed = offset;
        }
    }

    /** Partitions added to the topic (or the topic created after start) join without a restart. */
    private void discoverPartitions() {
        if (System.nanoTime() - lastDiscovery < DISCOVER_EVERY_NANOS) {
            return;
        }
        lastDiscovery = System.nanoTime();
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(1));
            int before = inputs.size();
            addPartitions(infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            if (inputs.size() != before) {
                LOG.info("Kafka source for topic '{}' now reads {} partitions", topic, inputs.size());
            }
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.debug("looking for new partitions of topic '{}': {}", topic, e.toString());
        }
    }

    /**
     * Shutting down: no more fetching, but the lanes and sinks are still finishing what this
     * source handed over; wait for that (bounded) and commit it, so a clean stop re-reads nothing.
     */
    private void finish() {
        consumer.pause(new ArrayList<>(inputs.keySet()));
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        while (System.nanoTime() < deadline && inputs.values().stream().anyMatch(in -> in.offsets.inFlight() > 0)) {
            try {
                commitSafeOffsets();
                consumer.poll(Duration.ofMillis(50)); // runs commit callbacks; paused, so it fetches nothing
            } catch (WakeupException e) {
                // a second stop(); keep finishing
            } catch (KafkaException e) {
                sleepQuietly(50);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = safeOffsetsToCommit();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("Kafka source for topic '{}' could not commit its last offsets ({}); "
                    + "their records will be read again after a restart", topic, e.toString());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
