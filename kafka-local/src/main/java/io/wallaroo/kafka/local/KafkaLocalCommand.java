package io.wallaroo.kafka.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code scripts/kafka-local}: a local Kafka broker and a text producer and consumer, enough to
 * try the Kafka examples on one machine without installing Kafka.
 */
@Command(name = "kafka-local", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "A single-node Kafka broker for trying the examples, and a line producer and consumer.",
        subcommands = {KafkaLocalCommand.Start.class, KafkaLocalCommand.CreateTopic.class,
                KafkaLocalCommand.Produce.class, KafkaLocalCommand.Consume.class})
public final class KafkaLocalCommand {

    public static void main(String[] args) {
        LocalKafka.quietBrokerLogging();
        System.exit(new CommandLine(new KafkaLocalCommand()).execute(args));
    }

    static final String DEFAULT_BROKERS = "127.0.0.1:9092";

    @Command(name = "start", description = {"Runs a broker in the foreground until Ctrl-C.",
            "Its data lives in a temporary directory and is gone when it stops."})
    static final class Start implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "9092", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--partitions", defaultValue = "4",
                description = "Partitions of topics created on first use (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Override
        public Integer call() throws Exception {
            LocalKafka kafka;
            try {
                kafka = LocalKafka.start(port, partitions);
            } catch (Exception e) {
                System.err.println("kafka-local: cannot start a broker on 127.0.0.1:" + port + ": " + rootMessage(e)
                        + " (is another broker using that port? try --port)");
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    kafka.close();
                } catch (Exception e) {
                    System.err.println("kafka-local: " + e);
                }
                stopped.countDown();
            }, "kafka-local-stop"));
            System.out.println("kafka-local: broker ready at " + kafka.bootstrapServers()
                    + " (new topics get " + partitions + " partitions; Ctrl-C stops it and deletes its data)");
            stopped.await();
            return 0;
        }
    }

    @Command(name = "create-topic", description = "Creates a topic (topics are also created on first use).")
    static final class CreateTopic implements Callable<Integer> {
        @Option(names = "--brokers", defaultValue = DEFAULT_BROKERS, description = "host:port[,...] (default: ${DEFAULT-VALUE}).")
        String brokers;
        @Option(names = "--topic", required = true)
        String topic;
        @Option(names = "--partitions", defaultValue = "4", description = "(default: ${DEFAULT-VALUE}).")
        int partitions;

        @Override
        public Integer call() throws Exception {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            // The API timeout may not be shorter than one request's (30 s by default): set both.
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(20, TimeUnit.SECONDS);
                System.out.println("kafka-local: created topic " + topic + " with " + partitions + " partitions");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    System.out.println("kafka-local: topic " + topic + " already exists");
                    return 0;
                }
                System.err.println("kafka-local: cannot create topic " + topic + " on " + brokers + ": " + rootMessage(e));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "produce", description = {"Sends each line of standard input as one record (UTF-8).",
            "With --key-delimiter, the text before the first delimiter is also the record's key."})
    static final class Produce implements Callable<Integer> {
        @Option(names = "--brokers", defaultValue = DEFAULT_BROKERS, description = "host:port[,...] (default: ${DEFAULT-VALUE}).")
        String brokers;
        @Option(names = "--topic", required = true)
        String topic;
        @Option(names = "--key-delimiter", paramLabel = "TEXT", description = "Key each record by the text before TEXT.")
        String keyDelimiter;

        @Override
        public Integer call() throws Exception {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
            AtomicReference<Exception> failure = new AtomicReference<>();
            long sent = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                 BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && failure.get() == null) {
                    byte[] key = null;
                    if (keyDelimiter != null && line.contains(keyDelimiter)) {
                        key = line.substring(0, line.indexOf(keyDelimiter)).getBytes(StandardCharsets.UTF_8);
                    }
                    producer.send(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    sent++;
                }
                producer.flush();
            }
            if (failure.get() != null) {
                System.err.println("kafka-local: producing to " + topic + " on " + brokers + " failed: " + rootMessage(failure.get()));
                return 1;
            }
            System.err.println("kafka-local: sent " + sent + " records to " + topic);
            return 0;
        }
    }

    @Command(name = "consume", description = {"Prints the records of a topic, one per line, from the beginning.",
            "Stops after --count records or --idle-timeout without any; otherwise runs until Ctrl-C."})
    static final class Consume implements Callable<Integer> {
        @Option(names = "--brokers", defaultValue = DEFAULT_BROKERS, description = "host:port[,...] (default: ${DEFAULT-VALUE}).")
        String brokers;
        @Option(names = "--topic", required = true)
        String topic;
        @Option(names = "--count", defaultValue = "-1", description = "Stop after this many records.")
        long count;
        @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "-1",
                description = "Stop after this long without a record.")
        long idleSeconds;
        @Option(names = "--print-key", description = "Print the key and a tab before each value.")
        boolean printKey;
        @Option(names = "--print-partition", description = "Print the partition and a tab before each record.")
        boolean printPartition;

        @Override
        public Integer call() {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            long seen = 0;
            long lastRecord = System.nanoTime();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    System.err.println("kafka-local: topic " + topic + " does not exist on " + brokers);
                    return 1;
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (count < 0 || seen < count) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (printPartition) {
                            out.print(r.partition());
                            out.print('\t');
                        }
                        if (printKey) {
                            out.print(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
                            out.print('\t');
                        }
                        out.println(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                        seen++;
                        lastRecord = System.nanoTime();
                    }
                    out.flush();
                    if (idleSeconds >= 0 && System.nanoTime() - lastRecord > TimeUnit.SECONDS.toNanos(idleSeconds)) {
                        break;
                    }
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                System.err.println("kafka-local: no broker answered at " + brokers + " within 15 s");
                return 1;
            }
            return 0;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
