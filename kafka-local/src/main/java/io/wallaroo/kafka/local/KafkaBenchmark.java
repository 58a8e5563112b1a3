package io.wallaroo.kafka.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code scripts/bench-kafka}: the celsius_kafka example Kafka to Kafka through the real launcher,
 * next to what plain kafka-clients do against the same broker in the same run (the ceiling).
 *
 * <ol>
 *   <li>raw produce: N readings written to the input topic (this is also the engine's input);</li>
 *   <li>raw consume: the input topic read back by a plain consumer;</li>
 *   <li>raw pipe: a plain consumer-transform-producer loop, input topic to a second topic, with
 *       the same acks and commits the engine does: the Kafka-to-Kafka ceiling;</li>
 *   <li>engine drain: scripts/wallaroo started on the N-record backlog; records/s from ready to
 *       the last output record, and over the second half of the output, when GraalPy's JIT has
 *       compiled the example's code but the compiler is still busy (see the warm backlog);</li>
 *   <li>engine steady: input at a fixed rate below that, sampling the consumer group's lag
 *       (input records whose offsets are not committed yet: in flight or waiting);</li>
 *   <li>engine warm backlog: N more records written as fast as a producer goes, and the rate at
 *       which the now warm engine drains what is still waiting once they are all in.</li>
 * </ol>
 * Machines here are shared and noisy: compare the ratios more than the absolute numbers.
 */
@Command(name = "bench-kafka", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = "Kafka-to-Kafka benchmark of the celsius_kafka example, next to the raw kafka-clients rates.")
public final class KafkaBenchmark implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "1000000", description = "Backlog records for the drain runs (default: ${DEFAULT-VALUE}).")
    int records;
    @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--lanes", defaultValue = "0",
            description = "Engine lanes (default: 0, the engine's own default for this machine, what a user gets).")
    int lanes;
    @Option(names = "--linger-ms", defaultValue = "5", description = "Producer linger, for the engine's sink and the raw producers (default: ${DEFAULT-VALUE}).")
    int lingerMs;
    @Option(names = "--steady-seconds", defaultValue = "15", description = "Length of the steady-rate run (default: ${DEFAULT-VALUE}).")
    int steadySeconds;
    @Option(names = "--steady-fraction", defaultValue = "0.5", description = "Steady input rate as a fraction of the engine's drain rate (default: ${DEFAULT-VALUE}).")
    double steadyFraction;
    @Option(names = "--resilience", description = "Also drain the same input with --resilience-dir (at-least-once output) and with"
            + " --kafka-sink-delivery exactly-once, each into a topic of its own, and print each rate as a ratio to the run without.")
    boolean resilience;
    @Option(names = "--wallaroo-flags", defaultValue = "", paramLabel = "\"FLAGS\"",
            description = "Further flags for every launch of scripts/wallaroo, space-separated, e.g. \"--engine flink --parallelism 1\".")
    String wallarooFlags;
    @Option(names = "--repo", required = true, description = "The repository root (scripts/wallaroo, examples/).")
    Path repo;
    @Option(names = "--results", description = "Directory for the JSON file (default: REPO/bench-results).")
    Path results;

    private static final String GROUP = "wallaroo.celsius-to-fahrenheit-with-kafka.convert-readings";
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public static void main(String[] args) {
        LocalKafka.quietBrokerLogging();
        System.exit(new CommandLine(new KafkaBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        figures.put("benchmark", "kafka-to-kafka celsius_kafka");
        figures.put("records", records);
        figures.put("partitions", partitions);
        figures.put("lanes", lanes);
        figures.put("linger_ms", lingerMs);
        figures.put("wallaroo_flags", wallarooFlags);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        System.out.println("bench-kafka: starting a local broker");
        try (LocalKafka kafka = LocalKafka.start(partitions)) {
            String bootstrap = kafka.bootstrapServers();
            for (String topic : List.of("bench-in", "bench-raw-out", "bench-out")) {
                kafka.createTopic(topic, partitions);
            }
            List<byte[][]> input = readings(0, records);

            double produce = rawProduce(bootstrap, "bench-in", input);
            report("raw_produce_records_per_s", produce, "raw kafka-clients produce (acks=all)");
            double consume = rawConsume(bootstrap, "bench-in", records);
            report("raw_consume_records_per_s", consume, "raw kafka-clients consume");
            double pipe = rawPipe(bootstrap, "bench-in", "bench-raw-out", records);
            report("raw_pipe_records_per_s", pipe, "raw consume-convert-produce-commit (ceiling)");

            EngineRun run = new EngineRun(kafka, "", "bench-out", List.of());
            try {
                run.start();
                run.drain(records, records);
                report("engine_drain_records_per_s", (double) figures.get("engine_drain_records_per_s"),
                        "engine end to end, ready to last record");
                report("engine_drain_second_half_records_per_s", (double) figures.get("engine_drain_second_half_records_per_s"),
                        "engine end to end, second half (JIT warming)");
                run.steady();
                run.warmDrain(records + run.steadyRecords, records);
            } finally {
                run.stop();
            }
            double engine = (double) figures.get("engine_drain_second_half_records_per_s");
            figures.put("ratio_engine_to_raw_pipe", round(engine / pipe, 3));
            System.out.printf(Locale.ROOT, "%-48s %12.3f%n", "engine (second half) / raw pipe", engine / pipe);
            double warm = (double) figures.get("engine_warm_drain_records_per_s");
            figures.put("ratio_engine_warm_to_raw_pipe", round(warm / pipe, 3));
            System.out.printf(Locale.ROOT, "%-48s %12.3f%n", "engine (warm backlog) / raw pipe", warm / pipe);
            if (resilience) {
                resilienceRuns(kafka, engine);
            }
        }
        Path file = writeResults();
        System.out.println("bench-kafka: figures written to " + file);
        return 0;
    }

    /**
     * The whole input topic again (the backlog plus the steady run's and the warm backlog's records),
     * once with snapshots and at-least-once output, once with exactly-once output; each from an empty
     * resilience directory, so each reads from the beginning. The rate over the second half of the
     * first backlog, the same stretch of warm-up as the run without, next to that run's.
     */
    private void resilienceRuns(LocalKafka kafka, double withoutResilience) throws Exception {
        long input = sum(kafka.endOffsets("bench-in"));
        record Mode(String prefix, String topic, List<String> flags) {}
        for (Mode mode : List.of(
                new Mode("resilience_", "bench-out-resilience", List.of()),
                new Mode("exactly_once_", "bench-out-exactly-once", List.of("--kafka-sink-delivery", "exactly-once")))) {
            kafka.createTopic(mode.topic(), partitions);
            Path dir = Files.createTempDirectory("bench-kafka-resilience");
            List<String> flags = new ArrayList<>(List.of("--resilience-dir", dir.toString()));
            flags.addAll(mode.flags());
            EngineRun run = new EngineRun(kafka, mode.prefix(), mode.topic(), flags);
            try {
                run.start();
                run.drain(input, records);
            } finally {
                run.stop();
            }
            double rate = (double) figures.get(mode.prefix() + "engine_drain_second_half_records_per_s");
            report(mode.prefix() + "engine_drain_second_half_records_per_s", rate,
                    "engine, " + mode.prefix().replace('_', ' ') + "second half");
            figures.put(mode.prefix() + "ratio_to_without", round(rate / withoutResilience, 3));
            System.out.printf(Locale.ROOT, "%-48s %12.3f%n", "  ... / without resilience", rate / withoutResilience);
        }
    }

    // -- the data -------------------------------------------------------------------------------

    /** The example's readings ("sensor,number,celsius", keyed by sensor), as readings.py makes them. */
    static List<byte[][]> readings(int from, int to) {
        List<byte[][]> out = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            String sensor = "sensor-" + (n % 8);
            double celsius = ((n * 37L) % 800 - 200) / 10.0;
            out.add(new byte[][] {sensor.getBytes(StandardCharsets.UTF_8),
                    String.format(Locale.ROOT, "%s,%d,%.1f", sensor, n, celsius).getBytes(StandardCharsets.UTF_8)});
        }
        return out;
    }

    /** What the example's three steps do, in Java: for the raw pipe. */
    static byte[] convert(byte[] value) {
        String[] f = new String(value, StandardCharsets.UTF_8).split(",");
        double fahrenheit = Double.parseDouble(f[2]) * 1.8 + 32;
        return String.format(Locale.ROOT, "%s,%s,%.2f", f[0], f[1], fahrenheit).getBytes(StandardCharsets.UTF_8);
    }

    // -- raw kafka-clients ------------------------------------------------------------------------

    private Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        return props;
    }

    private static Properties consumerProps(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2048");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return props;
    }

    private double rawProduce(String bootstrap, String topic, List<byte[][]> input) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[][] r : input) {
                producer.send(new ProducerRecord<>(topic, r[0], r[1]), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("raw produce failed", failure.get());
        }
        return input.size() / seconds(start);
    }

    private double rawConsume(String bootstrap, String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap, null),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = partitionsOf(topic);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long start = System.nanoTime();
            long seen = 0;
            long bytes = 0;
            while (seen < count) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    bytes += r.value().length;
                    seen++;
                }
            }
            figures.put("raw_consume_bytes", bytes);
            return seen / seconds(start);
        }
    }

    /** Consume, convert, produce with acks=all, commit what was acknowledged every 100 ms, like the engine. */
    private double rawPipe(String bootstrap, String from, String to, int count) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap, "bench-raw-pipe"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.assign(partitionsOf(from));
            long start = System.nanoTime();
            long seen = 0;
            long lastCommit = System.nanoTime();
            Map<TopicPartition, Long> read = new HashMap<>();
            while (seen < count) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    producer.send(new ProducerRecord<>(to, r.key(), convert(r.value())), (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    read.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                    seen++;
                }
                if (System.nanoTime() - lastCommit > 100_000_000L || seen >= count) {
                    producer.flush(); // commit only what the broker acknowledged
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    read.forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
                    consumer.commitAsync(offsets, null);
                    lastCommit = System.nanoTime();
                }
            }
            consumer.commitSync();
            if (failure.get() != null) {
                throw new IllegalStateException("raw pipe failed", failure.get());
            }
            return seen / seconds(start);
        }
    }

    private List<TopicPartition> partitionsOf(String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    // -- the engine -------------------------------------------------------------------------------

    /** scripts/wallaroo running the celsius_kafka example from bench-in to bench-out. */
    private final class EngineRun {
        private final LocalKafka kafka;
        private final String prefix;
        private final String outTopic;
        private final List<String> extraFlags;
        private Process process;
        private final CountDownLatch ready = new CountDownLatch(1);
        private final List<String> output = new ArrayList<>();
        private long readyAt;
        private int steadyRecords;

        /**
         * @param prefix     put before the names of this run's figures
         * @param outTopic   where the engine writes
         * @param extraFlags further launcher flags
         */
        EngineRun(LocalKafka kafka, String prefix, String outTopic, List<String> extraFlags) {
            this.kafka = kafka;
            this.prefix = prefix;
            this.outTopic = outTopic;
            this.extraFlags = extraFlags;
        }

        void start() throws Exception {
            List<String> command = new ArrayList<>(List.of(repo.resolve("scripts/wallaroo").toString(),
                    "--application-module", "celsius_kafka",
                    "--kafka_source_topic", "bench-in", "--kafka_source_brokers", kafka.bootstrapServers(),
                    "--kafka_sink_topic", outTopic, "--kafka_sink_brokers", kafka.bootstrapServers(),
                    "--kafka_sink_max_produce_buffer_ms", Integer.toString(lingerMs)));
            if (lanes > 0) {
                command.addAll(List.of("--ponythreads", Integer.toString(lanes)));
            }
            if (!wallarooFlags.isBlank()) {
                command.addAll(List.of(wallarooFlags.trim().split("\\s+")));
            }
            command.addAll(extraFlags);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(repo.resolve("examples/celsius_kafka").toFile()).redirectErrorStream(true);
            builder.environment().remove("PYTHONPATH");
            long started = System.nanoTime();
            process = builder.start();
            Thread reader = new Thread(this::readOutput, "engine-output");
            reader.setDaemon(true);
            reader.start();
            if (!ready.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the engine did not get ready:\n" + String.join("\n", output));
            }
            readyAt = System.nanoTime();
            figures.put(prefix + "engine_startup_s", round(seconds(started), 2));
        }

        private void readOutput() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("wallaroo: ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        /** Records written so far (with exactly-once output, also the transactions' commit markers: one per partition and commit). */
        long out() throws Exception {
            return sum(kafka.endOffsets(outTopic));
        }

        /**
         * A backlog of {@code records}: time from ready to the last output record, and the rate over
         * the second half of the first {@code measured} records.
         */
        void drain(long records, long measured) throws Exception {
            List<long[]> samples = new ArrayList<>(); // {nanos since ready, records out}
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            long done;
            while (true) {
                long out = out();
                samples.add(new long[] {System.nanoTime() - readyAt, out});
                if (out >= records) {
                    done = System.nanoTime();
                    break;
                }
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("the engine produced " + out + " of " + records + " records:\n"
                            + String.join("\n", output));
                }
                Thread.sleep(100);
            }
            figures.put(prefix + "engine_drain_s", round((done - readyAt) / 1e9, 3));
            figures.put(prefix + "engine_drain_records_per_s", round(records / ((done - readyAt) / 1e9), 0));
            long half = timeReaching(samples, measured / 2);
            long end = timeReaching(samples, measured);
            figures.put(prefix + "engine_drain_second_half_records_per_s", round((measured - measured / 2) / ((end - half) / 1e9), 0));
            long committedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (kafka.lag(GROUP, "bench-in") > 0 && System.nanoTime() < committedDeadline) {
                Thread.sleep(50);
            }
            figures.put(prefix + "engine_drain_commit_after_output_s", round((System.nanoTime() - done) / 1e9, 3));
        }

        private long timeReaching(List<long[]> samples, long count) {
            for (long[] s : samples) {
                if (s[1] >= count) {
                    return s[0];
                }
            }
            return samples.get(samples.size() - 1)[0];
        }

        /**
         * A second backlog once the engine is warm (after the first drain and the steady run): the
         * records go in as fast as a producer writes them, and the rate counts what was still
         * waiting when the last one was in the topic, from then to the last output record. The
         * first drain's second half still overlaps GraalPy's compiler (it was busy for the first
         * 18 s of a 3M-record drain in one profile); this is the warm path alone.
         */
        void warmDrain(int from, int count) throws Exception {
            long before = out();
            rawProduce(kafka.bootstrapServers(), "bench-in", readings(from, from + count));
            long produced = System.nanoTime();
            long backlog = count - (out() - before);
            long deadline = produced + TimeUnit.MINUTES.toNanos(10);
            while (out() - before < count) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("the engine produced " + (out() - before) + " of the warm backlog's "
                            + count + " records:\n" + String.join("\n", output));
                }
                Thread.sleep(20);
            }
            double rate = backlog / ((System.nanoTime() - produced) / 1e9);
            figures.put("engine_warm_backlog_records", backlog);
            report("engine_warm_drain_records_per_s", rate, "engine end to end, warm backlog of " + backlog);
            if (backlog < count / 5) {
                System.out.println("bench-kafka: the engine kept up with the producer, so the warm backlog was short ("
                        + backlog + " of " + count + " records) and its rate is rough; try more --records");
            }
        }

        /** Input at a fixed rate; the group's lag sampled every 100 ms. */
        void steady() throws Exception {
            double drain = (double) figures.get("engine_drain_second_half_records_per_s");
            int rate = (int) Math.max(100, Math.min(drain * steadyFraction, 200_000));
            int count = rate * steadySeconds;
            steadyRecords = count;
            List<TextRecord> input = new ArrayList<>(count);
            for (byte[][] r : readings(records, records + count)) {
                input.add(TextRecord.of(new String(r[0], StandardCharsets.UTF_8), new String(r[1], StandardCharsets.UTF_8)));
            }
            List<Long> lags = new ArrayList<>();
            try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), "bench-in", input, rate)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(steadySeconds);
                while (System.nanoTime() < end) {
                    lags.add(kafka.lag(GROUP, "bench-in"));
                    Thread.sleep(100);
                }
                producer.await(120_000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out() < (long) records + count && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<Long> sorted = lags.stream().sorted().toList();
            figures.put("steady_input_records_per_s", rate);
            figures.put("steady_seconds", steadySeconds);
            figures.put("steady_lag_samples", sorted.size());
            figures.put("steady_lag_p50_records", sorted.get(sorted.size() / 2));
            figures.put("steady_lag_p99_records", sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)));
            figures.put("steady_lag_max_records", sorted.get(sorted.size() - 1));
            figures.put("steady_lag_p50_ms", round(1000.0 * sorted.get(sorted.size() / 2) / rate, 1));
            figures.put("steady_all_output_arrived", out() >= (long) records + count);
            System.out.printf(Locale.ROOT, "%-48s %12d%n", "steady input rate (records/s)", rate);
            System.out.printf(Locale.ROOT, "%-48s %12d / %d / %d%n", "consumer lag p50 / p99 / max (records)",
                    sorted.get(sorted.size() / 2), (long) figures.get("steady_lag_p99_records"), sorted.get(sorted.size() - 1));
        }

        void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    // -- reporting ----------------------------------------------------------------------------------

    private void report(String key, double recordsPerSecond, String label) {
        figures.put(key, round(recordsPerSecond, 0));
        System.out.printf(Locale.ROOT, "%-48s %12.0f records/s%n", label, recordsPerSecond);
    }

    private Path writeResults() throws IOException {
        Path dir = results != null ? results : repo.resolve("bench-results");
        Files.createDirectories(dir);
        Path file = dir.resolve("kafka-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("{");
            int i = 0;
            for (Map.Entry<String, Object> e : figures.entrySet()) {
                Object v = e.getValue();
                String json = v instanceof String s ? "\"" + s.replace("\"", "\\\"") + "\"" : String.valueOf(v);
                out.println("  \"" + e.getKey() + "\": " + json + (++i < figures.size() ? "," : ""));
            }
            out.println("}");
        }
        return file;
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
