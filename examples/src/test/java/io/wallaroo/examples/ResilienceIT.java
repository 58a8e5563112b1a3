package io.wallaroo.examples;

import io.wallaroo.kafka.local.LocalKafka;
import io.wallaroo.kafka.local.PacedProducer;
import io.wallaroo.kafka.local.TextClients;
import io.wallaroo.kafka.local.TextRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --resilience-dir end to end: real engine processes killed with SIGKILL at random moments, a
 * real broker, partitioned state over several lanes. The application counts records per key and
 * writes the running count; after every crash and restart the last count of each key must equal
 * the number of its inputs: nothing lost, nothing applied twice.
 */
class ResilienceIT {
    private static final int PARTITIONS = 4;
    private static final int KEYS = 16;
    private static LocalKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = LocalKafka.start(PARTITIONS);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static final String APP = """
            import wallaroo


            def application_setup(args):
                k_in, k_in_brokers, k_in_level = wallaroo.kafka_parse_source_options(args)
                k_out, k_out_brokers, k_out_level, linger, max_size = wallaroo.kafka_parse_sink_options(args)
                ab = wallaroo.ApplicationBuilder("resilient counts")
                ab.new_pipeline("count", wallaroo.KafkaSourceConfig(k_in, k_in_brokers, k_in_level, text))
                if "--changed-topology" in args:
                    ab.to(same)
                ab.to_state_partition(count, Tally, "tallies", by_key)
                ab.to_sink(wallaroo.KafkaSinkConfig(k_out, k_out_brokers, k_out_level, linger, max_size, keyed))
                return ab.build()


            class Tally(object):
                def __init__(self):
                    self.n = 0


            @wallaroo.decoder(header_length=4, length_fmt=">I")
            def text(bs):
                return bs.decode("utf-8")


            @wallaroo.computation(name="same")
            def same(s):
                return s


            @wallaroo.partition
            def by_key(s):
                return s.split(",")[0]


            @wallaroo.state_computation(name="count")
            def count(s, tally):
                tally.n += 1
                return ((s.split(",")[0], tally.n), True)


            @wallaroo.encoder
            def keyed(t):
                return ("%s,%d" % t, t[0])
            """;

    private static List<TextRecord> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> TextRecord.of("k" + (i % KEYS), "k" + (i % KEYS) + "," + i)).toList();
    }

    private static Map<String, Integer> expected(int n) {
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.merge("k" + (i % KEYS), 1, Integer::sum);
        }
        return out;
    }

    /**
     * The highest count written per key, read until it equals {@code expected} (then 2 s more, so
     * a count that goes past it shows) or 180 s pass: the state after the last input, if nothing
     * was lost or applied twice.
     */
    private static Map<String, Integer> lastCounts(String topic, Map<String, Integer> expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Integer> out = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    String[] f = r.value().split(",");
                    out.merge(f[0], Integer.parseInt(f[1]), Math::max);
                }
                if (settled == Long.MAX_VALUE && out.equals(expected)) {
                    settled = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }

    private EngineProcess start(String in, String out, Path dir, int lanes, String... extra) throws Exception {
        return start(Map.of(), in, out, dir, lanes, extra);
    }

    private EngineProcess start(Map<String, String> env, String in, String out, Path dir, int lanes, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--application-module", "resilient_counts", "--ponythreads",
                Integer.toString(lanes), "--resilience-dir", dir.toString(), "--snapshot-interval", "200",
                "--kafka_source_topic", in, "--kafka_source_brokers", kafka.bootstrapServers(),
                "--kafka_sink_topic", out, "--kafka_sink_brokers", kafka.bootstrapServers(),
                "--kafka_sink_max_produce_buffer_ms", "5"));
        args.addAll(List.of(extra));
        return EngineProcess.start(tmp, args, env);
    }

    /** The id of the newest snapshot file in {@code dir}, 0 when there is none. */
    private static long newestSnapshot(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("snapshot-\\d{19}\\.wsnap"))
                    .mapToLong(n -> Long.parseLong(n.substring(9, 28))).max().orElse(0);
        }
    }

    private static long snapshotFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static long outputRecords(String topic) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return kafka.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt > 100) {
                    throw e;
                }
                Thread.sleep(100); // a topic just created is not known to every part of the broker yet
            }
        }
    }

    private static void awaitOutput(String topic, long atLeast, EngineProcess engine) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (outputRecords(topic) < atLeast) {
            if (System.nanoTime() > deadline || !engine.process().isAlive()) {
                throw new AssertionError("output stalled below " + atLeast + ":\n" + engine.outputText());
            }
            Thread.sleep(20);
        }
    }

    /** The entity count the start-up line reports, -1 when it started fresh. */
    private static int restoredEntities(EngineProcess engine) {
        for (String line : engine.output()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("restored snapshot \\d+ .*: (\\d+) entities").matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return -1;
    }

    @Test
    void killedAtRandomMomentsEveryKeyCountsEachInputOnce() throws Exception {
        Files.writeString(tmp.resolve("resilient_counts.py"), APP);
        String in = "counts-in";
        String out = "counts-out";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, 3);
        Path dir = tmp.resolve("resilience");
        long seed = Long.getLong("resilience.seed", System.nanoTime());
        Random random = new Random(seed);
        int chunk = 1500;
        int sent = 0;
        long mostFiles = 0;
        List<Integer> restored = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            int lanes = round % 2 == 0 ? 2 : 3; // another lane count on every restart
            try (EngineProcess engine = start(in, out, dir, lanes)) {
                engine.awaitReady();
                engine.awaitLine(round == 0 ? "resilience: started fresh" : "resilience: restored snapshot", Duration.ofSeconds(5));
                restored.add(restoredEntities(engine));
                long before = outputRecords(out);
                long newestAtStart = newestSnapshot(dir);
                // Input keeps arriving while the engine runs, and goes on arriving after the kill.
                try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), in, records(sent, sent + chunk), 500)) {
                    sent += chunk;
                    awaitOutput(out, before + 200 + random.nextInt(chunk - 400), engine);
                    // On a slow machine the first cut that holds input can take longer than that: wait for
                    // it (the process's first file is written at once, the second holds input), so every
                    // round moves the state on and the next one has something to restore.
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (newestSnapshot(dir) < newestAtStart + 2) {
                        assertTrue(System.nanoTime() < deadline && engine.process().isAlive(), "no snapshot:\n" + engine.outputText());
                        Thread.sleep(20);
                    }
                    engine.kill(); // SIGKILL at a random moment of this round's input
                    producer.await(120_000);
                }
            }
            mostFiles = Math.max(mostFiles, snapshotFiles(dir));
        }
        for (int round = 1; round < 5; round++) {
            assertTrue(restored.get(round) > 0, "round " + round + " restored state, not an empty snapshot: " + restored
                    + " (seed " + seed + ")");
        }
        try (EngineProcess engine = start(in, out, dir, 2)) {
            engine.awaitReady();
            assertTrue(restoredEntities(engine) > 0);
            Map<String, Integer> counts = lastCounts(out, expected(sent));
            assertEquals(expected(sent), counts, "after 5 SIGKILLs (seed " + seed + ") the last count of every key "
                    + "equals its inputs:\n" + engine.outputText());
            // two more bursts, so the last two snapshots both hold state
            for (int burst = 0; burst < 2; burst++) {
                long before = outputRecords(out);
                TextClients.send(kafka.bootstrapServers(), in, records(sent, sent + 400));
                sent += 400;
                awaitOutput(out, before + 400, engine);
                Thread.sleep(600);
            }
            engine.kill();
        }
        assertTrue(mostFiles <= 2 * 33 + 2, "the resilience directory stays bounded: " + mostFiles + " files");

        // The newest snapshot torn: the previous one is restored, Kafka replays from its offsets.
        try (Stream<Path> files = Files.list(dir)) {
            Path newest = files.filter(f -> f.toString().endsWith(".wsnap")).sorted().reduce((a, b) -> b).orElseThrow();
            try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
                f.setLength(f.length() - 7);
            }
        }
        try (EngineProcess engine = start(in, out, dir, 3)) {
            engine.awaitReady();
            engine.awaitLine("skipped a damaged snapshot", Duration.ofSeconds(5));
            assertTrue(restoredEntities(engine) > 0, engine.outputText());
            assertEquals(expected(sent), lastCounts(out, expected(sent)), "restored from the previous snapshot, still exact:\n"
                    + engine.outputText());
        } // SIGTERM: a clean stop takes a final snapshot

        // Another topology against the same directory: refused, naming the difference.
        try (EngineProcess engine = start(in, out, dir, 2, "--changed-topology")) {
            int exit = engine.awaitExit(Duration.ofSeconds(120));
            String text = engine.outputText();
            assertEquals(1, exit, text);
            assertTrue(text.contains("holds snapshots of a different application or topology"), text);
            assertTrue(text.contains("this run has:  pipeline count: source kafka topic counts-in; steps [same, count on state tallies]"), text);
            assertTrue(text.contains("delete or rename"), text);
        }
    }

    /**
     * Every record of {@code topic} as a consumer with {@code isolation} sees it: per key, the
     * counts in the order they were written. Reads until the highest count of every key equals
     * {@code expected} (then 2 s more, so anything after it shows) or 180 s pass.
     */
    private static Map<String, List<Integer>> countsAsSeen(String topic, String isolation, Map<String, Integer> expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        Map<String, List<Integer>> out = new TreeMap<>();
        Map<String, Integer> highest = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settled)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    String[] f = r.value().split(",");
                    int count = Integer.parseInt(f[1]);
                    out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(count);
                    highest.merge(f[0], count, Math::max);
                }
                if (settled == Long.MAX_VALUE && highest.equals(expected)) {
                    settled = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return out;
    }

    /** The snapshot id the engine's last transaction committed (its commit record), -1 before any. */
    private static long committedSnapshot(String sinkTopic) throws Exception {
        return kafka.committedOffsets("wallaroo.resilient-counts.kafka-sinks.commits")
                .getOrDefault(new TopicPartition(sinkTopic, 0), -1L);
    }

    @Test
    void exactlyOnceWithoutAResilienceDirectoryIsRefusedNamingTheFix() throws Exception {
        try (EngineProcess engine = EngineProcess.start(tmp, List.of("--application-module", "nothing_needed",
                "--kafka-sink-delivery", "exactly-once"))) {
            assertEquals(2, engine.awaitExit(Duration.ofSeconds(60)), engine.outputText());
            assertTrue(engine.outputText().contains("--kafka-sink-delivery exactly-once needs --resilience-dir DIR"),
                    engine.outputText());
        }
    }

    /**
     * --kafka-sink-delivery exactly-once: the same application, killed with SIGKILL at 5 random
     * moments and once right between a snapshot's file and its commit (the fault-injection hook),
     * restarted each time. A read_committed consumer then sees, for every key, the counts 1, 2, ...
     * up to its number of inputs, each exactly once and in order; the log itself holds the
     * aborted output of the crashed epochs, which a read_uncommitted consumer does see.
     */
    @Test
    void exactlyOnceOutputEveryCountAppearsOnceToAReadCommittedConsumer() throws Exception {
        Files.writeString(tmp.resolve("resilient_counts.py"), APP);
        String in = "eos-in";
        String out = "eos-out";
        kafka.createTopic(in, PARTITIONS);
        kafka.createTopic(out, 3);
        Path dir = tmp.resolve("eos-resilience");
        long seed = Long.getLong("resilience.seed", System.nanoTime());
        Random random = new Random(seed);
        int chunk = 1000;
        int sent = 0;
        String[] eos = {"--kafka-sink-delivery", "exactly-once"};
        int rounds = 6;
        int haltRound = 1 + random.nextInt(rounds - 2); // a later round checks what it set aside
        List<Integer> restored = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean halt = round == haltRound;
            // The 2nd snapshot file of that process: the 1st is written at once, the 2nd holds this round's input.
            Map<String, String> env = halt ? Map.of("WALLAROO_JAVA_OPTS", "-Dwallaroo.test.haltBeforeCommit=2") : Map.of();
            try (EngineProcess engine = start(env, in, out, dir, 2, eos)) {
                engine.awaitReady();
                engine.awaitLine(round == 0 ? "resilience: started fresh" : "resilience: restored snapshot", Duration.ofSeconds(5));
                restored.add(restoredEntities(engine));
                if (round == haltRound + 1) {
                    assertTrue(engine.outputText().contains("set aside snapshot"), "the snapshot written before the "
                            + "halt was not committed, so the previous one is restored:\n" + engine.outputText());
                }
                long before = outputRecords(out);
                try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), in, records(sent, sent + chunk), 500)) {
                    sent += chunk;
                    if (halt) {
                        assertEquals(137, engine.awaitExit(Duration.ofSeconds(120)), engine.outputText());
                        assertTrue(engine.outputText().contains("halting before committing snapshot"), engine.outputText());
                    } else {
                        // Once output flows, a snapshot committed after that (so every round moves the
                        // state on, even on a slow machine), then a random moment later.
                        awaitOutput(out, before + 100, engine);
                        long marker = committedSnapshot(out);
                        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                        while (committedSnapshot(out) <= marker) {
                            assertTrue(System.nanoTime() < deadline && engine.process().isAlive(),
                                    "no snapshot committed:\n" + engine.outputText());
                            Thread.sleep(20);
                        }
                        Thread.sleep(random.nextInt(1500));
                        engine.kill(); // SIGKILL at a random moment of this round's input
                    }
                    producer.await(120_000);
                }
            }
        }
        for (int round = 1; round < rounds; round++) {
            assertTrue(restored.get(round) > 0, "round " + round + " restored state: " + restored + " (seed " + seed + ")");
        }
        try (EngineProcess engine = start(in, out, dir, 2, eos)) {
            engine.awaitReady();
            Map<String, Integer> expected = expected(sent);
            Map<String, List<Integer>> seen = countsAsSeen(out, "read_committed", expected);
            expected.forEach((key, n) -> assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), seen.get(key),
                    "key " + key + ": after 5 SIGKILLs and a crash before a commit (seed " + seed + ", halt in round "
                            + haltRound + ") every count appears once, in order:\n" + engine.outputText()));
            assertEquals(expected.keySet(), seen.keySet());
            int committed = seen.values().stream().mapToInt(List::size).sum();
            int all = countsAsSeen(out, "read_uncommitted", expected).values().stream().mapToInt(List::size).sum();
            assertTrue(all > committed, "the crashes left aborted output in the log (" + all + " records, "
                    + committed + " committed): what a read_committed consumer is spared");
        }
    }

    /**
     * The text documents example over extensions: the engine is killed mid-stream, the file
     * script dies with it; both restart, the script asks where the engine stands and sends only
     * the rest. The counts of every word end exactly at its total, with no count missing.
     */
    @Test
    void anExtensionSourceResumesWhereTheRestoredSnapshotStands() throws Exception {
        Path dir = tmp.resolve("text-resilience");
        int passes = 20;
        List<String> args = List.of("--application-module", "text_word_count",
                "--text-stream", "127.0.0.1:" + EngineProcess.freePort(),
                "--word-count-stream", "127.0.0.1:" + EngineProcess.freePort(),
                "--ponythreads", "2", "--resilience-dir", dir.toString(), "--snapshot-interval", "200");
        TextDocumentsIT.App first = new TextDocumentsIT.App(EngineProcess.start(TextDocumentsIT.DIR, args), args.get(3), args.get(5));
        List<String> lines = new ArrayList<>();
        try (first) {
            first.engine().awaitReady();
            try (PythonScript sink = first.printSink();
                 PythonScript source = first.fileSource("--repeat", String.valueOf(passes), "--rate", "20")) {
                sink.awaitLines(TextDocumentsIT.WORDS_PER_PASS * 2, Duration.ofSeconds(180));
                first.engine().kill();
                assertTrue(source.awaitExit(Duration.ofSeconds(60)) != 0, "the script lost its engine mid-stream");
                Thread.sleep(500);
                lines.addAll(sink.lines());
            }
        }
        assertTrue(lines.size() < TextDocumentsIT.WORDS_PER_PASS * passes, "killed mid-stream: " + lines.size());
        TextDocumentsIT.App second = new TextDocumentsIT.App(EngineProcess.start(TextDocumentsIT.DIR, args), args.get(3), args.get(5));
        try (second) {
            second.engine().awaitReady();
            assertTrue(restoredEntities(second.engine()) > 0, second.engine().outputText());
            try (PythonScript sink = second.printSink();
                 PythonScript source = second.fileSource("--repeat", String.valueOf(passes))) {
                assertEquals(0, source.awaitExit(Duration.ofSeconds(180)), source.errorText());
                assertTrue(source.errorText().matches("(?s).*skipped [1-9]\\d* the engine already had.*"), source.errorText());
                Map<String, Integer> totals = TextDocumentsIT.expectedTotals(passes);
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (!totals.equals(highest(lines, sink.lines())) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                Thread.sleep(1000);
                lines.addAll(sink.lines());
            }
            Map<String, Integer> totals = TextDocumentsIT.expectedTotals(passes);
            assertEquals(totals, highest(lines, List.of()), "every word's last count is its total:\n" + second.engine().outputText());
            Map<String, java.util.Set<Integer>> seen = new HashMap<>();
            for (String line : lines) {
                String[] parts = line.split(" => ");
                seen.computeIfAbsent(parts[0], w -> new java.util.TreeSet<>()).add(Integer.parseInt(parts[1]));
            }
            totals.forEach((word, total) -> assertEquals(total, seen.get(word).size(),
                    "every count of '" + word + "' from 1 to " + total + " came out (output is at least once)"));
        }
    }

    private static Map<String, Integer> highest(List<String> a, List<String> b) {
        Map<String, Integer> out = new HashMap<>();
        for (List<String> lines : List.of(a, b)) {
            for (String line : lines) {
                String[] parts = line.split(" => ");
                out.merge(parts[0], Integer.parseInt(parts[1]), Math::max);
            }
        }
        return out;
    }
}
