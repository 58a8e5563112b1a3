package io.wallaroo.examples;

import io.wallaroo.kafka.local.LocalKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Flink session cluster ({@code scripts/flink-local}: a JobManager and two TaskManager
 * processes) running a two-pipeline application that shares partitioned state, Kafka in and out,
 * with checkpoints. One TaskManager is killed with SIGKILL mid-stream and a replacement added;
 * later the job is stopped with a savepoint and restarted at parallelism 1. A read_committed
 * consumer must see every output exactly once, and the last balance of every account must be exact.
 */
class FlinkSessionClusterIT {
    private static final int ACCOUNTS = 8;

    @TempDir
    Path dir;

    private final Map<String, Integer> expected = new TreeMap<>();
    private int sent;

    @Test
    void noClusterAtTheAddressIsReportedBeforeTheApplicationLoads() throws Exception {
        int nothing = EngineProcess.freePort();
        EngineProcess client = EngineProcess.start(dir, List.of("--application-module", "no_such_module",
                "--engine", "flink", "--jobmanager", "localhost:" + nothing));
        assertEquals(1, client.awaitExit(Duration.ofSeconds(120)), client.outputText());
        assertTrue(client.outputText().contains("cannot reach a Flink JobManager at localhost:" + nothing), client.outputText());
        assertTrue(client.outputText().contains("scripts/flink-local start"), client.outputText());
        assertFalse(client.outputText().contains("no_such_module"), client.outputText());
    }

    @Test
    void survivesATaskManagerKillAndARescaleWithExactStateAndOutput() throws Exception {
        copyApp("accounts_kafka");
        int rest = EngineProcess.freePort();
        int rpc = EngineProcess.freePort();
        Path cluster = dir.resolve("cluster");
        try (LocalKafka kafka = LocalKafka.start(2)) {
            for (String topic : List.of("deposits", "withdrawals", "balances")) {
                kafka.createTopic(topic, 2);
            }
            flinkLocal(cluster, "start", "--taskmanagers", "2", "--slots", "2",
                    "--rest-port", String.valueOf(rest), "--rpc-port", String.valueOf(rpc));
            // More parallelism than the cluster has slots: refused with the cause, before the
            // application loads (this module does not exist, and the error is not about it).
            EngineProcess tooWide = EngineProcess.start(dir, List.of("--application-module", "no_such_module",
                    "--engine", "flink", "--jobmanager", "localhost:" + rest, "--parallelism", "5"));
            assertEquals(1, tooWide.awaitExit(Duration.ofSeconds(120)), tooWide.outputText());
            assertTrue(tooWide.outputText().contains("has 4 free task slot(s) of 4, and this job needs 5"), tooWide.outputText());
            assertFalse(tooWide.outputText().contains("no_such_module"), tooWide.outputText());
            try (KafkaProducer<String, String> producer = producer(kafka);
                 KafkaConsumer<String, String> consumer = consumer(kafka)) {
                List<String> args = new ArrayList<>(List.of("--application-module", "accounts_kafka", "--engine", "flink",
                        "--jobmanager", "localhost:" + rest, "--resilience-dir", dir.resolve("resilience").toString(),
                        "--checkpoint-interval", "1000",
                        "--brokers", kafka.bootstrapServers(), "--deposits", "deposits", "--withdrawals", "withdrawals",
                        "--balances", "balances"));
                List<ConsumerRecord<String, String>> outputs = new ArrayList<>();

                produce(producer, 0, 150);
                // One record the decoder cannot read: dropped on its own, logged with its step, counted.
                producer.send(new ProducerRecord<>("deposits", "acct-0", "not an operation"));
                EngineProcess first = EngineProcess.start(dir, withParallelism(args, 2));
                try {
                    first.awaitLine("wallaroo: ready", Duration.ofSeconds(300));
                    awaitOutputs(consumer, outputs, 60, Duration.ofSeconds(240), first);
                    flinkLocal(cluster, "kill-taskmanager", "busy");
                    produce(producer, 150, 300);
                    awaitOutputs(consumer, outputs, sent, Duration.ofSeconds(300), first);
                    // A replacement task manager joins the running cluster (flink-local returns once the
                    // JobManager has registered it) and offers its slots to the jobs below.
                    // It warms GraalPy while it has nothing to do (checked below).
                    flinkLocal(cluster, "add-taskmanager", "--warmup-seconds", "5");
                    stopWithSavepoint(first, dir.resolve("resilience"));
                } finally {
                    first.close();
                }

                produce(producer, 300, 400);
                EngineProcess second = EngineProcess.start(dir, withParallelism(args, 1, "--restore", "latest"));
                try {
                    second.awaitLine("wallaroo: ready", Duration.ofSeconds(300));
                    assertTrue(second.outputText().contains("restoring from"), second.outputText());
                    awaitOutputs(consumer, outputs, sent, Duration.ofSeconds(300), second);
                    stopWithSavepoint(second, dir.resolve("resilience"));
                } finally {
                    second.close();
                }

                // The way a production cluster takes a job (what `flink run` and the web UI do): the
                // job jar uploaded to the JobManager, its main() run there with the same arguments;
                // from the parallelism-1 savepoint back to 2.
                String ui = http("GET", rest, "/", null, null);
                assertTrue(ui.contains("<title>Apache Flink Web Dashboard</title>"), "the web UI on the REST port:\n" + ui);
                produce(producer, 400, 450);
                String jobId = runJobJar(rest, withParallelism(args, 2, "--restore", "latest", "--app-dir", dir.toString()));
                Path jmLog = cluster.resolve("log/jobmanager.log");
                awaitOutputs(consumer, outputs, sent, Duration.ofSeconds(300), () -> Files.readString(jmLog));
                // Outputs of one account come from two writers (one per pipeline), so offsets do not
                // order them; a zero deposit sent after everything else reads each final balance.
                for (int a = 0; a < ACCOUNTS; a++) {
                    producer.send(new ProducerRecord<>("deposits", "acct-" + a, "acct-" + a + " 0 final" + a));
                    sent++;
                }
                producer.flush();
                awaitOutputs(consumer, outputs, sent, Duration.ofSeconds(120), () -> Files.readString(jmLog));
                Thread.sleep(3000);
                drain(consumer, outputs);
                assertTrue(http("GET", rest, "/jobs/" + jobId, null, null).contains("\"parallelism\":2"),
                        "the job submitted through /jars runs at parallelism 2");
                http("PATCH", rest, "/jobs/" + jobId + "?mode=cancel", null, null);
                check(outputs);
                String taskManagerLogs = Files.readString(cluster.resolve("log/taskmanager-1.log"))
                        + Files.readString(cluster.resolve("log/taskmanager-2.log"));
                // The replacement ran flink-warmup around Flink's TaskManagerRunner (add-taskmanager
                // --warmup-seconds), which warmed GraalPy while it was idle, or found a task there first.
                String replacementLog = Files.readString(cluster.resolve("log/taskmanager-3.log"));
                assertTrue(replacementLog.matches("(?s).*Python warm-up: (\\d+ rounds, \\d+ ms in all, \\d+ ms of it paused for other "
                                + "processes \\((its time was up|stopped: a job's task started)\\)|not run \\(a job's task started first\\)).*"),
                        "the replacement task manager logs what its warm-up did");
                assertTrue(taskManagerLogs.contains("raised ValueError") && taskManagerLogs.contains("'not an operation'")
                        && taskManagerLogs.contains("the message was dropped"), "the bad record is logged with its step");
                // Two slots per task manager: its tasks' contexts share one engine, and the job jar's
                // shared-code instrument must be visible to Truffle there, or each compiles its own copy.
                assertTrue(taskManagerLogs.contains("GraalPy code shared between contexts: on"),
                        "the task managers' Python engines share module code between contexts");
                // HotSpot's answer to -XX:CompilerDirectivesFile: the launcher's JIT policy (scripts/flink-local).
                assertTrue(taskManagerLogs.contains("1 compiler directives added"),
                        "the task managers get the launcher's JIT policy");
                if (Runtime.version().feature() >= 25) {  // where the build makes the runtime image
                    // Both roles start on it from AOT caches the build recorded with one slot, which
                    // still fit this cluster's two (the JVM would skip a cache that did not fit).
                    assertTrue(taskManagerLogs.contains("JVM start-up cache: on ("
                                    + EngineProcess.root().resolve("python-bridge/target/runtime/flink-local-taskmanager.aot")),
                            "the task managers start from flink-local's cache");
                    long jobManager = Long.parseLong(Files.readString(cluster.resolve("jobmanager.pid")).trim());
                    String properties = Jcmd.run(jobManager, "VM.system_properties");
                    assertTrue(properties.contains("java.vm.info=mixed mode, sharing")
                            && properties.contains("flink-local-jobmanager.aot"), "the JobManager starts from its cache:\n" + properties);
                }
                String jobManagerLog = Files.readString(cluster.resolve("log/jobmanager.log"));
                assertTrue(jobManagerLog.contains("to RESTARTING"),
                        "the killed task manager ran part of the job, so Flink must have restarted it from a checkpoint");
            }
        } finally {
            flinkLocal(cluster, "stop");
        }
    }

    private static List<String> withParallelism(List<String> args, int n, String... more) {
        List<String> out = new ArrayList<>(args);
        out.addAll(List.of("--parallelism", String.valueOf(n)));
        out.addAll(List.of(more));
        return out;
    }

    /** Operations id from..to-1: two deposits, then one withdrawal, round the accounts. */
    private void produce(KafkaProducer<String, String> producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String account = "acct-" + (i % ACCOUNTS);
            int amount = 1 + i % 7;
            boolean withdrawal = i % 3 == 2;
            String topic = withdrawal ? "withdrawals" : "deposits";
            producer.send(new ProducerRecord<>(topic, account, account + " " + amount + " op" + i));
            expected.merge(account, withdrawal ? -amount : amount, Integer::sum);
            sent++;
        }
        producer.flush();
    }

    private void check(List<ConsumerRecord<String, String>> outputs) {
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> finalBalances = new TreeMap<>();
        for (ConsumerRecord<String, String> r : outputs) {
            String[] parts = r.value().split(" ");
            seen.merge(parts[0], 1, Integer::sum);
            if (parts[0].startsWith("final")) {
                finalBalances.put(parts[1], Integer.parseInt(parts[2]));
            }
        }
        List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), duplicated, "outputs seen more than once by a read_committed consumer");
        assertEquals(sent, seen.size(), "one output per operation");
        assertEquals(expected, finalBalances, "the last balance of every account");
    }

    /** What to show when outputs do not come: the launcher's output, or the JobManager's log. */
    interface Context {
        String text() throws IOException;
    }

    private static void awaitOutputs(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> outputs,
                                     int count, Duration timeout, EngineProcess engine) throws InterruptedException {
        try {
            awaitOutputs(consumer, outputs, count, timeout, engine::outputText);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitOutputs(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> outputs,
                                     int count, Duration timeout, Context engine) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outputs.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + outputs.size() + " of " + count + " outputs within " + timeout + ":\n"
                        + engine.text());
            }
            drain(consumer, outputs);
        }
    }

    private static void drain(KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> outputs) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            outputs.add(r);
        }
    }

    static void stopWithSavepoint(EngineProcess engine, Path resilience) throws Exception {
        assertTrue(engine.process().isAlive(), "the launcher ended early:\n" + engine.outputText());
        engine.process().destroy(); // SIGTERM: the launcher stops the job with a savepoint
        if (!engine.process().waitFor(180, TimeUnit.SECONDS)) {
            throw new AssertionError("the launcher did not stop:\n" + engine.outputText());
        }
        Path log = resilience.resolve("wallaroo-flink.log");
        String stopped = Files.exists(log) ? Files.readString(log) : "(no " + log + ")";
        assertTrue(stopped.contains("stopped with savepoint"), "exit " + engine.process().exitValue() + ", launcher log:\n"
                + stopped + "\noutput:\n" + engine.outputText());
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> consumer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "flink-it-check");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of("balances"));
        return consumer;
    }

    /** Uploads the job jar (POST /jars/upload, multipart) and runs its main class with {@code args}; the job's id. */
    private static String runJobJar(int rest, List<String> args) throws IOException, InterruptedException {
        Path jar = EngineProcess.root().resolve("flink-runner/target/wallaroo-flink-job.jar");
        String boundary = "wallaroo" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"wallaroo-flink-job.jar\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(head);
        body.write(Files.readAllBytes(jar));
        body.write(tail);
        String uploaded = http("POST", rest, "/jars/upload", "multipart/form-data; boundary=" + boundary, body.toByteArray());
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("flink-web-upload/([^\"]+)\"").matcher(uploaded);
        assertTrue(file.find(), "the upload was accepted: " + uploaded);
        String list = args.stream().map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        // No entryClass: the job jar's manifest names the launcher, as `flink run` needs.
        String ran = http("POST", rest, "/jars/" + file.group(1) + "/run", "application/json",
                ("{\"programArgsList\":[" + list + "]}").getBytes(StandardCharsets.UTF_8));
        java.util.regex.Matcher job = java.util.regex.Pattern.compile("\"jobid\":\"([0-9a-f]+)\"").matcher(ran);
        assertTrue(job.find(), "/jars/:id/run submitted a job: " + ran);
        return job.group(1);
    }

    private static String http(String method, int rest, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + rest + path)).timeout(Duration.ofSeconds(300));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        return response.body();
    }

    private void flinkLocal(Path clusterDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(EngineProcess.root().resolve("scripts/flink-local").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("WALLAROO_FLINK_LOCAL_DIR", clusterDir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("[flink-local " + args[0] + "] " + out);
        if (!p.waitFor(200, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("scripts/flink-local " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    private void copyApp(String module) throws IOException {
        try (InputStream source = FlinkSessionClusterIT.class.getResourceAsStream("/apps/" + module + ".py")) {
            Files.copy(source, dir.resolve(module + ".py"));
        }
    }
}
