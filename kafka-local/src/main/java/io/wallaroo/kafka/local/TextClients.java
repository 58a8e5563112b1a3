package io.wallaroo.kafka.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Plain kafka-clients producing and reading text records: what a test's own producer and consumer do. */
public final class TextClients {
    private TextClients() {}

    /** A producer that rides out broker restarts: idempotent, acks=all, no delivery deadline. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request at a time: on a topic created a moment before, the first batch can come back
        // NOT_LEADER_OR_FOLLOWER while the next is already in flight; the broker then refused every
        // retry with OUT_OF_ORDER_SEQUENCE_NUMBER and, with no delivery deadline, flush() never
        // returned (a CI run hung 25 min in KafkaConnectorsTest). Tests send little; order is cheap.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "120000");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends every record and waits until the broker acknowledged them all. */
    public static void send(String bootstrap, String topic, List<TextRecord> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (TextRecord r : records) {
                producer.send(toProducerRecord(topic, r));
            }
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, TextRecord r) {
        return new ProducerRecord<>(topic, r.partition() >= 0 ? r.partition() : null, bytes(r.key()), bytes(r.value()));
    }

    /**
     * Reads {@code topic} from the beginning until {@code count} records arrived or nothing new
     * came for {@code quiet} after the count was reached, or {@code timeout} passed; returns what
     * it read, so a test can tell missing records from extra ones.
     */
    public static List<TextRecord> read(String bootstrap, String topic, int count, Duration quiet, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<TextRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastNew = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = out.size();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    out.add(new TextRecord(r.partition(), text(r.key()), text(r.value())));
                }
                if (out.size() != before) {
                    lastNew = System.nanoTime();
                }
                if (out.size() >= count && System.nanoTime() - lastNew >= quiet.toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    /** The partition Kafka's default partitioner picks for a keyed record. */
    public static int partitionFor(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(bytes(key))) % partitions;
    }

    static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
