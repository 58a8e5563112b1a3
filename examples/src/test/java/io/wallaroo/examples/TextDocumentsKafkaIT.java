package io.wallaroo.examples;

import io.wallaroo.kafka.local.LocalKafka;
import io.wallaroo.kafka.local.TextClients;
import io.wallaroo.kafka.local.TextRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The text documents example with its Kafka scripts: lines produced to a topic go through
 * kafka_consumer.py into the application, and its counts come back out through kafka_producer.py
 * onto another topic. A real broker (LocalKafka, in this JVM); the application and both scripts
 * as real processes.
 */
class TextDocumentsKafkaIT {
    private static final int PARTITIONS = 2;

    @Test
    void wordCountsFromOneTopicToAnotherAndRereadsAreDropped() throws Exception {
        String python = PythonScript.interpreterWith("kafka").orElse(null);
        assumeTrue(python != null, "no python3 with the kafka module: run scripts/install-test-deps"
                + " (apt-get install python3-kafka, for /usr/bin/python3) to run the Kafka example test");

        List<String> lines = Files.readAllLines(TextDocumentsIT.DIR.resolve(TextDocumentsIT.DATA)).stream()
                .filter(l -> !l.isBlank()).toList();
        int passes = 2;
        List<TextRecord> input = new ArrayList<>();
        for (int pass = 0; pass < passes; pass++) {
            for (int i = 0; i < lines.size(); i++) {
                input.add(TextRecord.of("line-" + i, lines.get(i))); // keyed: spread over both partitions
            }
        }
        int expected = TextDocumentsIT.WORDS_PER_PASS * passes;

        try (LocalKafka kafka = LocalKafka.start(PARTITIONS);
             TextDocumentsIT.App app = TextDocumentsIT.App.start(2)) {
            String brokers = kafka.bootstrapServers();
            kafka.createTopic("documents", PARTITIONS);
            kafka.createTopic("word-counts", PARTITIONS);
            // Produced before the consumer starts: a new group reads the topic from its beginning.
            TextClients.send(brokers, "documents", input);
            assertEquals(input.size(), recordsIn(kafka, "documents"));

            try (PythonScript out = PythonScript.start(python, TextDocumentsIT.DIR, "kafka_producer.py",
                         List.of("--word-count-stream", app.wordCountStream(), "--brokers", brokers,
                                 "--topic", "word-counts"));
                 PythonScript in = PythonScript.start(python, TextDocumentsIT.DIR, "kafka_consumer.py",
                         List.of("--text-stream", app.textStream(), "--brokers", brokers,
                                 "--topic", "documents", "--group", "text-documents"))) {
                TextDocumentsIT.assertExactCounts(counts(brokers, expected), passes, app.engine());
                await("kafka_consumer.py committed every offset", Duration.ofSeconds(30), in,
                        () -> committed(kafka, "text-documents") == input.size());

                // Another group reads the whole topic again under the same stream name: the engine
                // has every (partition, offset) already and drops them all.
                try (PythonScript again = PythonScript.start(python, TextDocumentsIT.DIR, "kafka_consumer.py",
                        List.of("--text-stream", app.textStream(), "--brokers", brokers,
                                "--topic", "documents", "--group", "reread"))) {
                    await("the second kafka_consumer.py read the topic", Duration.ofSeconds(60), again,
                            () -> committed(kafka, "reread") == input.size());
                    again.close(); // SIGTERM: it says goodbye, and the engine reports the drops
                }
                app.engine().awaitLine(input.size() + " already-seen sequences dropped", Duration.ofSeconds(30));
                TextDocumentsIT.assertExactCounts(counts(brokers, expected), passes, app.engine());
                assertTrue(out.isAlive(), "kafka_producer.py still running:\n" + out.errorText());
            }
        }
    }

    /** The values on the output topic, read from its beginning until {@code expected} arrived and 2 s passed quietly. */
    private static List<String> counts(String brokers, int expected) {
        return TextClients.read(brokers, "word-counts", expected, Duration.ofSeconds(2), Duration.ofSeconds(120))
                .stream().map(TextRecord::value).toList();
    }

    private static long recordsIn(LocalKafka kafka, String topic) throws Exception {
        return kafka.endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private static long committed(LocalKafka kafka, String group) throws Exception {
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : kafka.committedOffsets(group).entrySet()) {
            sum += e.getValue();
        }
        return sum;
    }

    private static void await(String what, Duration timeout, PythonScript script, Callable<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline || !script.isAlive()) {
                throw new AssertionError("not the case: " + what + "\n" + script.errorText());
            }
            Thread.sleep(100);
        }
    }
}
