package io.wallaroo.engine.connector.kafka;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.Connectors;
import io.wallaroo.engine.runtime.StreamEngine;
import io.wallaroo.engine.testing.TransformingExecutor.Output;
import io.wallaroo.engine.testing.TransformingExecutor;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.HostPort;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.Step;
import io.wallaroo.kafka.local.LocalKafka;
import io.wallaroo.kafka.local.PacedProducer;
import io.wallaroo.kafka.local.TextClients;
import io.wallaroo.kafka.local.TextRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka source and sink inside a real engine, against a real broker: Kafka in, a Java
 * transformation, Kafka (or TCP) out. One broker serves the whole class; every test uses topics
 * of its own.
 */
class KafkaConnectorsTest {
    private static final int IN_PARTITIONS = 4;
    private static final int OUT_PARTITIONS = 3;
    private static LocalKafka kafka;
    private static int topicCounter;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = LocalKafka.start(IN_PARTITIONS);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** "sensor-7:42" becomes key "sensor-7", value "SENSOR-7:42"; a message containing "big" becomes 10 kB. */
    private static final Function<String, Output> UPPER_CASE_BY_SENSOR = text -> {
        String key = text.substring(0, text.indexOf(':'));
        String value = text.contains("big") ? "x".repeat(10_000) : text.toUpperCase(Locale.ROOT);
        return new Output(key, value);
    };

    private static List<TextRecord> readings(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> TextRecord.of(sensor(i), sensor(i) + ":" + i)).toList();
    }

    private static String sensor(int id) {
        return "sensor-" + (id % 17);
    }

    private static int idOf(TextRecord out) {
        return Integer.parseInt(out.value().substring(out.value().indexOf(':') + 1));
    }

    private static String newTopic(String name, int partitions) throws Exception {
        String topic = name + "-" + (++topicCounter);
        kafka.createTopic(topic, partitions);
        return topic;
    }

    private static List<HostPort> brokers() {
        return List.of(HostPort.parse(kafka.bootstrapServers()));
    }

    private static SourceSpec.Kafka kafkaSource(String topic, String groupId) {
        return new SourceSpec.Kafka(topic, brokers(), "Warn", groupId);
    }

    private static SinkSpec.Kafka kafkaSink(String topic, int maxMessageSize) {
        return new SinkSpec.Kafka(topic, brokers(), "Warn", 0, maxMessageSize);
    }

    private static Application application(String name, SourceSpec source, SinkSpec sink) {
        Pipeline pipeline = new Pipeline(0, "readings", source, List.of(new Step.Stateless("upper", false, false)), List.of(sink));
        return new Application(name, List.of(pipeline), Map.of());
    }

    private static StreamEngine engine(Application app, EngineSettings settings) throws Exception {
        return engine(app, settings, Duration.ZERO);
    }

    private static StreamEngine engine(Application app, EngineSettings settings, Duration perBatch) throws Exception {
        StreamEngine engine = new StreamEngine(app, TransformingExecutor.factory(app, UPPER_CASE_BY_SENSOR, perBatch),
                new Connectors(), settings);
        engine.start();
        return engine;
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void assertEveryIdExactlyOnce(int count, List<TextRecord> out) {
        List<Integer> ids = out.stream().map(KafkaConnectorsTest::idOf).sorted().toList();
        assertEquals(IntStream.range(0, count).boxed().toList(), ids, "each input exactly once");
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void everyRecordComesOutOnceTransformedKeyedAndInOrderPerKey() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        String out = newTopic("out", OUT_PARTITIONS);
        int n = 5000;
        Application app = application("Sensor Readings", kafkaSource(in, null), kafkaSink(out, 100_000));
        TextClients.send(kafka.bootstrapServers(), in, readings(0, n));
        try (StreamEngine engine = engine(app, EngineSettings.defaults(3).withBatchMessages(64))) {
            List<TextRecord> output = TextClients.read(kafka.bootstrapServers(), out, n, Duration.ofSeconds(1), Duration.ofSeconds(60));

            assertEveryIdExactlyOnce(n, output);
            Map<String, Integer> lastIdOfKey = new HashMap<>();
            for (TextRecord r : output) {
                int id = idOf(r);
                assertEquals(sensor(id), r.key(), "the encoder's key");
                assertEquals((sensor(id) + ":" + id).toUpperCase(Locale.ROOT), r.value());
                assertEquals(TextClients.partitionFor(r.key(), OUT_PARTITIONS), r.partition(),
                        "the key picks the partition as Kafka's default partitioner does");
                Integer previous = lastIdOfKey.put(r.key(), id);
                assertTrue(previous == null || previous < id, "per-key order: " + id + " came after " + previous);
            }
            String group = KafkaGroupIds.defaultFor("Sensor Readings", "readings");
            assertEquals("wallaroo.sensor-readings.readings", group);
            await("the default group committed every input offset", Duration.ofSeconds(15),
                    () -> sum(kafka.committedOffsets(group)) == n);
            assertEquals(kafka.endOffsets(in), kafka.committedOffsets(group));
            await("each partition reports its consumer lag, caught up to 0", Duration.ofSeconds(15), () -> {
                Map<String, Long> gauges = engine.metrics().gauges();
                for (int p = 0; p < IN_PARTITIONS; p++) {
                    if (gauges.getOrDefault("source.0.partition." + p + ".lag", -1L) != 0) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    @Test
    void offsetsAreCommittedOnlyOnceTheSinkHasWrittenTheOutput() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        int n = 200;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = reserved.getLocalPort();
            reserved.close(); // nobody listens on the sink's port until later
            String group = "held-by-tcp-sink";
            Application app = application("held", kafkaSource(in, group), new SinkSpec.Tcp("127.0.0.1", port));
            TextClients.send(kafka.bootstrapServers(), in, readings(0, n));
            try (StreamEngine engine = engine(app, EngineSettings.defaults(2))) {
                await("the engine took all input", Duration.ofSeconds(30), () -> engine.metrics().get("source.0.messages") == n);
                assertTrue(engine.awaitIdle(10_000));
                Thread.sleep(1500); // time in which a premature commit would have happened
                assertEquals(0, sum(kafka.committedOffsets(group)), "output still in the sink's buffer: nothing committed");

                List<String> lines = new ArrayList<>();
                try (ServerSocket receiver = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                     Socket socket = receiver.accept();
                     BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                    while (lines.size() < n) {
                        lines.add(reader.readLine());
                    }
                    await("offsets committed once the receiver has the output", Duration.ofSeconds(15),
                            () -> sum(kafka.committedOffsets(group)) == n);
                }
                assertEquals(n, new HashSet<>(lines).size());
            }
        }
    }

    @Test
    void aRestartedEngineResumesFromItsCommittedOffsetsUnderAnExplicitGroup() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        String out = newTopic("out", OUT_PARTITIONS);
        String group = "explicit-group-" + in;
        Application app = application("Restarted", kafkaSource(in, group), kafkaSink(out, 100_000));
        TextClients.send(kafka.bootstrapServers(), in, readings(0, 300));
        try (StreamEngine engine = engine(app, EngineSettings.defaults(2))) {
            assertEquals(300, TextClients.read(kafka.bootstrapServers(), out, 300, Duration.ZERO, Duration.ofSeconds(60)).size());
        } // a clean stop commits what was written
        assertEquals(300, sum(kafka.committedOffsets(group)));
        assertEquals(0, sum(kafka.committedOffsets(KafkaGroupIds.defaultFor("Restarted", "readings"))),
                "the explicit group replaces the default one");

        TextClients.send(kafka.bootstrapServers(), in, readings(300, 500));
        try (StreamEngine engine = engine(app, EngineSettings.defaults(2))) {
            List<TextRecord> output = TextClients.read(kafka.bootstrapServers(), out, 500, Duration.ofSeconds(2), Duration.ofSeconds(60));
            assertEveryIdExactlyOnce(500, output);
        }
    }

    @Test
    void backPressurePausesThePartitionsAndLosesNothing() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        String out = newTopic("out", OUT_PARTITIONS);
        int n = 4000;
        Application app = application("Slow", kafkaSource(in, null), kafkaSink(out, 100_000));
        TextClients.send(kafka.bootstrapServers(), in, readings(0, n));
        EngineSettings settings = EngineSettings.defaults(2).withBatchMessages(20).withWatermarks(100, 20);
        try (StreamEngine engine = engine(app, settings, Duration.ofMillis(2))) {
            List<TextRecord> output = TextClients.read(kafka.bootstrapServers(), out, n, Duration.ofSeconds(1), Duration.ofSeconds(90));
            assertEveryIdExactlyOnce(n, output);
            assertTrue(engine.flowGate().pauses() > 0, "a slow step made the engine pause its Kafka input");
        }
    }

    @Test
    void aRecordOverMaxMessageSizeIsDroppedCountedAndTheSinkGoesOn() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        String out = newTopic("out", OUT_PARTITIONS);
        String group = "oversized-" + in;
        Application app = application("Oversized", kafkaSource(in, group), kafkaSink(out, 2000));
        List<TextRecord> first = new ArrayList<>(readings(0, 10));
        first.set(5, TextRecord.of(sensor(5), sensor(5) + ":5:big"));
        TextClients.send(kafka.bootstrapServers(), in, first);
        try (StreamEngine engine = engine(app, EngineSettings.defaults(2))) {
            await("the oversized record was counted", Duration.ofSeconds(30),
                    () -> engine.metrics().get("sink.0.too_large") == 1);
            TextClients.send(kafka.bootstrapServers(), in, readings(10, 15));
            List<TextRecord> output = TextClients.read(kafka.bootstrapServers(), out, 14, Duration.ofSeconds(1), Duration.ofSeconds(60));
            Set<Integer> ids = new HashSet<>();
            output.forEach(r -> ids.add(idOf(r)));
            Set<Integer> expected = new HashSet<>(IntStream.range(0, 15).boxed().toList());
            expected.remove(5);
            assertEquals(expected, ids, "everything but the oversized record, also after it");
            assertEquals(14, output.size());
            await("the dropped record's offset was committed too", Duration.ofSeconds(15),
                    () -> sum(kafka.committedOffsets(group)) == 15);
        }
    }

    @Test
    void unreachableBrokersStopTheStartNamingThem() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<HostPort> nowhere = List.of(new HostPort("127.0.0.1", port));
        Connectors connectors = new Connectors(KafkaOptions.defaults().withStartupTimeout(Duration.ofSeconds(2)));
        Application source = application("Nowhere", new SourceSpec.Kafka("in", nowhere, "Warn", null),
                new SinkSpec.Tcp("127.0.0.1", port));
        Application sink = new Application("Nowhere", List.of(new Pipeline(0, "p",
                new SourceSpec.Tcp("127.0.0.1", 0, io.wallaroo.engine.topology.Framing.of(4, ">I")),
                List.of(), List.of(new SinkSpec.Kafka("out", nowhere, "Warn", 0, 100_000)))), Map.of());
        for (Application app : List.of(source, sink)) {
            long started = System.nanoTime();
            try (StreamEngine engine = new StreamEngine(app, TransformingExecutor.factory(app, UPPER_CASE_BY_SENSOR),
                    connectors, EngineSettings.defaults(1))) {
                KafkaUnavailableException e = assertThrows(KafkaUnavailableException.class, engine::start);
                assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
                assertTrue(e.getMessage().contains("no Kafka broker answered"), e.getMessage());
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertTrue(seconds < 20, "bounded wait, took " + seconds + " s");
        }
    }

    @Test
    void aBrokerRestartMidStreamLosesNothing() throws Exception {
        String in = newTopic("in", IN_PARTITIONS);
        String out = newTopic("out", OUT_PARTITIONS);
        int n = 4000;
        Application app = application("Restart", kafkaSource(in, null), kafkaSink(out, 100_000));
        try (StreamEngine engine = engine(app, EngineSettings.defaults(2));
             PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), in, readings(0, n), 800)) {
            await("input is flowing", Duration.ofSeconds(30), () -> engine.metrics().get("source.0.messages") > 500);
            kafka.restartBroker(Duration.ofSeconds(3));
            producer.await(120_000);
            List<TextRecord> output = TextClients.read(kafka.bootstrapServers(), out, n, Duration.ofSeconds(2), Duration.ofSeconds(120));
            Set<Integer> ids = new HashSet<>();
            output.forEach(r -> ids.add(idOf(r)));
            assertEquals(n, ids.size(), "every input reflected in the output at least once (" + output.size() + " records)");
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static final class Acks {
        final java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();

        void send(KafkaTransactions tx, String topic, String value) {
            tx.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)),
                    (metadata, error) -> {
                        if (error == null) {
                            ok.incrementAndGet();
                        }
                    });
        }

        void await(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ok.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(n, ok.get(), "acknowledged records");
        }
    }

    private static List<String> readCommitted(String topic) {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp); // with read_committed: the last stable offset
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    /**
     * The transaction protocol against the real broker: the output of an epoch and its commit
     * record become visible together; a process that died before a commit leaves its epoch
     * aborted, and its successor reads the last committed snapshot id. The fenced predecessor
     * gets an error naming the cause.
     */
    @Test
    void exactlyOnceEpochsCommitWithTheirSnapshotAndASuccessorSeesTheLastCommittedOne() throws Exception {
        String out = newTopic("eos", 1);
        SinkSpec.Kafka spec = kafkaSink(out, 0);
        io.wallaroo.engine.Metrics metrics = new io.wallaroo.engine.Metrics();
        KafkaTransactions first = new KafkaTransactions("eos test " + out, List.of(spec), Duration.ofMillis(200),
                KafkaOptions.defaults(), metrics, 1 << 20);
        KafkaTransactions second = new KafkaTransactions("eos test " + out, List.of(spec), Duration.ofMillis(200),
                KafkaOptions.defaults(), new io.wallaroo.engine.Metrics(), 1 << 20);
        try (first; second) {
            assertTrue(first.lastCommittedSnapshot().isEmpty(), "nothing committed yet");
            first.begin(0);
            Acks acks = new Acks();
            acks.send(first, out, "a1");
            acks.send(first, out, "a2");
            acks.await(2);
            first.endEpoch();                 // cut 1: what follows belongs to epoch 2
            acks.send(first, out, "b1");      // held until the commit
            Thread.sleep(200);
            assertEquals(2, acks.ok.get(), "a record of the next epoch waits for the commit");
            assertEquals(List.of(), readCommitted(out), "nothing visible before the commit");
            first.commit(1);
            acks.await(3);
            assertEquals(List.of("a1", "a2"), readCommitted(out));
            assertEquals(1, metrics.get("kafka.transactions.committed"));
            first.endEpoch();                 // cut 2; snapshot 2 written, then the process dies before the commit

            assertEquals(java.util.OptionalLong.of(1), second.lastCommittedSnapshot(), "the successor fenced the first "
                    + "and sees snapshot 1 as the last committed one");
            second.begin(1);
            acks.send(second, out, "b1");
            second.endEpoch();
            second.commit(3);
            acks.await(4);
            assertEquals(List.of("a1", "a2", "b1"), readCommitted(out), "epoch 2 of the first is aborted, not doubled");

            Exception fenced = assertThrows(Exception.class, () -> first.commit(2));
            assertTrue(fenced.getMessage().contains("another engine process started with the same application name"),
                    fenced.getMessage());
            assertTrue(metrics.get("kafka.transactions.failed") >= 1);
        }
    }
}
