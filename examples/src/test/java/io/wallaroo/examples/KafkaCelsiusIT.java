package io.wallaroo.examples;

import io.wallaroo.kafka.local.LocalKafka;
import io.wallaroo.kafka.local.PacedProducer;
import io.wallaroo.kafka.local.TextClients;
import io.wallaroo.kafka.local.TextRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The celsius_kafka example run as a user runs it: scripts/wallaroo as a process, a real Kafka
 * broker (in this JVM), our own producer and consumer. One broker for the class; every test has
 * topics of its own.
 */
class KafkaCelsiusIT {
    private static final int IN_PARTITIONS = 4;
    private static final int OUT_PARTITIONS = 3;
    private static final int SENSORS = 8;
    /** The consumer group the example commits under: named after its application and pipeline. */
    private static final String GROUP = "wallaroo.celsius-to-fahrenheit-with-kafka.convert-readings";
    private static LocalKafka kafka;
    private static int topicCounter;

    @TempDir
    Path tmp;

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

    // -- the example's data, as examples/celsius_kafka/readings.py makes it ----------------------

    private static String sensor(int number) {
        return "sensor-" + (number % SENSORS);
    }

    private static double celsius(int number) {
        return ((number * 37) % 800 - 200) / 10.0;
    }

    private static List<TextRecord> readings(int count) {
        return IntStream.range(0, count).mapToObj(n -> TextRecord.of(sensor(n),
                String.format(Locale.ROOT, "%s,%d,%.1f", sensor(n), n, celsius(n)))).toList();
    }

    private static int numberOf(TextRecord out) {
        return Integer.parseInt(out.value().split(",")[1]);
    }

    private static Set<Integer> numbers(List<TextRecord> output) {
        Set<Integer> seen = new HashSet<>();
        output.forEach(r -> seen.add(numberOf(r)));
        return seen;
    }

    private static Set<Integer> range(int count) {
        return new HashSet<>(IntStream.range(0, count).boxed().toList());
    }

    // -- running it -----------------------------------------------------------------------------

    private record Topics(String in, String out) {}

    private static Topics newTopics() throws Exception {
        int n = ++topicCounter;
        Topics topics = new Topics("celsius-" + n, "fahrenheit-" + n);
        kafka.createTopic(topics.in(), IN_PARTITIONS);
        kafka.createTopic(topics.out(), OUT_PARTITIONS);
        return topics;
    }

    private static List<String> kafkaFlags(String sourceBrokers, String sinkBrokers, Topics topics) {
        return List.of("--kafka_source_topic", topics.in(), "--kafka_source_brokers", sourceBrokers,
                "--kafka_sink_topic", topics.out(), "--kafka_sink_brokers", sinkBrokers,
                "--kafka_sink_max_produce_buffer_ms", "5");
    }

    private static EngineProcess startExample(Topics topics) throws Exception {
        List<String> args = new ArrayList<>(List.of("--application-module", "celsius_kafka", "--ponythreads", "2"));
        args.addAll(kafkaFlags(kafka.bootstrapServers(), kafka.bootstrapServers(), topics));
        EngineProcess engine = EngineProcess.start(EngineProcess.example("celsius_kafka"), args);
        engine.awaitReady();
        return engine;
    }

    private static List<TextRecord> readOutput(Topics topics, int count, Duration quiet) {
        return TextClients.read(kafka.bootstrapServers(), topics.out(), count, quiet, Duration.ofSeconds(120));
    }

    private static long committed(String topic) throws Exception {
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : kafka.committedOffsets(GROUP).entrySet()) {
            if (e.getKey().topic().equals(topic)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    private static long recordsIn(String topic) throws Exception {
        return kafka.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    // -- the tests ------------------------------------------------------------------------------

    @Test
    void everyReadingComesOutOnceConvertedAndKeyedBySensor() throws Exception {
        Topics topics = newTopics();
        int n = 2000;
        TextClients.send(kafka.bootstrapServers(), topics.in(), readings(n));
        try (EngineProcess engine = startExample(topics)) {
            List<TextRecord> output = readOutput(topics, n, Duration.ofSeconds(2));

            assertEquals(n, output.size(), "one output record per input record:\n" + engine.outputText());
            assertEquals(range(n), numbers(output), "each reading exactly once");
            Map<String, Integer> lastOfSensor = new HashMap<>();
            for (TextRecord r : output) {
                String[] fields = r.value().split(",");
                int number = Integer.parseInt(fields[1]);
                assertEquals(sensor(number), fields[0]);
                assertEquals(celsius(number) * 1.8 + 32, Double.parseDouble(fields[2]), 0.006, r.value());
                assertEquals(sensor(number), r.key(), "keyed by sensor");
                assertEquals(TextClients.partitionFor(r.key(), OUT_PARTITIONS), r.partition(),
                        "the key picks the partition as Kafka's default partitioner does");
                Integer previous = lastOfSensor.put(r.key(), number);
                assertTrue(previous == null || previous < number, "a sensor's readings stay in order");
            }
            await("every input offset is committed", Duration.ofSeconds(20), () -> committed(topics.in()) == n);
        }
    }

    @Test
    void aBrokerRestartMidStreamLosesNothing() throws Exception {
        Topics topics = newTopics();
        int n = 3000;
        try (EngineProcess engine = startExample(topics);
             PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), topics.in(), readings(n), 500)) {
            await("output is flowing", Duration.ofSeconds(60), () -> recordsIn(topics.out()) > 300);
            kafka.restartBroker(Duration.ofSeconds(3));
            producer.await(120_000);

            List<TextRecord> output = readOutput(topics, n, Duration.ofSeconds(3));
            assertEquals(range(n), numbers(output),
                    "every reading reflected in the output at least once (" + output.size() + " records):\n"
                            + engine.outputText());
        }
    }

    @Test
    void aKilledEngineResumesFromItsCommittedOffsets() throws Exception {
        Topics topics = newTopics();
        int n = 4000;
        long committedAtKill;
        long outputAtKill;
        EngineProcess first = startExample(topics);
        try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), topics.in(), readings(n), 500)) {
            try (first) {
                await("offsets are being committed", Duration.ofSeconds(60), () -> committed(topics.in()) > 1000);
                first.kill(); // SIGKILL: no chance to commit anything more
                committedAtKill = committed(topics.in());
                outputAtKill = recordsIn(topics.out());
            }
            assertTrue(committedAtKill < n, "killed mid-stream, at offset " + committedAtKill);
            try (EngineProcess second = startExample(topics)) {
                producer.await(120_000);
                List<TextRecord> output = readOutput(topics, n, Duration.ofSeconds(3));
                assertEquals(range(n), numbers(output), "every reading reflected at least once:\n" + second.outputText());
                long duplicates = output.size() - n;
                assertTrue(duplicates < outputAtKill,
                        "resumed from the committed offsets (" + committedAtKill + "), not from the beginning: "
                                + duplicates + " duplicates, " + outputAtKill + " records were out at the kill");
                assertTrue(duplicates <= outputAtKill - committedAtKill + 200,
                        "only output after the last commit came out twice: " + duplicates + " duplicates, "
                                + outputAtKill + " out and " + committedAtKill + " committed at the kill");
            }
        }
    }

    @Test
    void unreachableBrokersAtStartStopTheEngineNamingThem() throws Exception {
        Topics topics = newTopics();
        int port = EngineProcess.freePort();
        List<String> args = new ArrayList<>(List.of("--application-module", "celsius_kafka", "--ponythreads", "1",
                "--kafka-startup-timeout", "3"));
        args.addAll(kafkaFlags("127.0.0.1:" + port, kafka.bootstrapServers(), topics));
        long started = System.nanoTime();
        try (EngineProcess engine = EngineProcess.start(EngineProcess.example("celsius_kafka"), args)) {
            int exit = engine.awaitExit(Duration.ofSeconds(120));
            String out = engine.outputText();
            assertEquals(1, exit, out);
            assertTrue(out.contains("error: cannot start application 'Celsius to Fahrenheit with Kafka'"), out);
            assertTrue(out.contains("Kafka source of pipeline 'convert readings'"), out);
            assertTrue(out.contains("no Kafka broker answered at 127.0.0.1:" + port + " within 3 s"), out);
            assertTrue(!out.contains("Exception in thread"), "no stack trace on the way out:\n" + out);
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 100);
    }

    @Test
    void aKafkaPipelineRunsNextToATcpPipeline() throws Exception {
        Topics topics = newTopics();
        Files.writeString(tmp.resolve("kafka_and_tcp.py"), """
                import wallaroo


                def application_setup(args):
                    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
                    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
                    k_in, k_in_brokers, k_in_level = wallaroo.kafka_parse_source_options(args)
                    k_out, k_out_brokers, k_out_level, linger, max_size = wallaroo.kafka_parse_sink_options(args)
                    ab = wallaroo.ApplicationBuilder("Kafka next to TCP")
                    ab.new_pipeline("kafka to tcp", wallaroo.KafkaSourceConfig(k_in, k_in_brokers, k_in_level, text))
                    ab.to(shout)
                    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, line))
                    ab.new_pipeline("tcp to kafka", wallaroo.TCPSourceConfig(in_host, in_port, text))
                    ab.to(shout)
                    ab.to_sink(wallaroo.KafkaSinkConfig(k_out, k_out_brokers, k_out_level, linger, max_size, keyed))
                    return ab.build()


                @wallaroo.decoder(header_length=4, length_fmt=">I")
                def text(bs):
                    return bs.decode("utf-8")


                @wallaroo.computation(name="shout")
                def shout(s):
                    return s.upper()


                @wallaroo.encoder
                def line(s):
                    return s + "\\n"


                @wallaroo.encoder
                def keyed(s):
                    return (s, s.split(" ")[0])
                """);
        int n = 300;
        List<TextRecord> kafkaInput = IntStream.range(0, n).mapToObj(i -> TextRecord.of(null, "from kafka " + i)).toList();
        List<String> tcpInput = IntStream.range(0, n).mapToObj(i -> "tcp" + (i % 5) + " message " + i).toList();
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort())) {
            List<String> args = new ArrayList<>(List.of("--application-module", "kafka_and_tcp", "--ponythreads", "2",
                    "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port()));
            args.addAll(kafkaFlags(kafka.bootstrapServers(), kafka.bootstrapServers(), topics));
            try (EngineProcess engine = EngineProcess.start(tmp, args)) {
                engine.awaitReady();
                TextClients.send(kafka.bootstrapServers(), topics.in(), kafkaInput);
                Framed.send(in, tcpInput);

                List<String> lines = receiver.await(n, Duration.ofSeconds(60));
                assertEquals(kafkaInput.stream().map(r -> r.value().toUpperCase(Locale.ROOT)).sorted().toList(),
                        lines.stream().sorted().toList(), "Kafka in, TCP out:\n" + engine.outputText());
                List<TextRecord> kafkaOutput = readOutput(topics, n, Duration.ofSeconds(1));
                assertEquals(tcpInput.stream().map(s -> s.toUpperCase(Locale.ROOT)).sorted().toList(),
                        kafkaOutput.stream().map(TextRecord::value).sorted().toList(), "TCP in, Kafka out");
                for (TextRecord r : kafkaOutput) {
                    assertEquals(r.value().split(" ")[0], r.key());
                }
            }
        }
    }
}
