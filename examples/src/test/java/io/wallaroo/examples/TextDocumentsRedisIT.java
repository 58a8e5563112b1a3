package io.wallaroo.examples;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The text documents example with its Redis scripts: lines published to a Redis channel go through
 * redis_subscriber.py into the application, and its counts come back out through
 * redis_publisher.py onto another channel. A real redis-server, started on a free loopback port.
 */
class TextDocumentsRedisIT {

    @Test
    void wordCountsFromOneRedisChannelToAnother() throws Exception {
        String redisServer = RedisServer.executable().orElse(null);
        assumeTrue(redisServer != null, "redis-server is not installed: run scripts/install-test-deps"
                + " (apt-get install redis-server python3-redis) to run the Redis example test");
        String python = PythonScript.interpreterWith("redis").orElse(null);
        assumeTrue(python != null, "no python3 with the redis module: run scripts/install-test-deps"
                + " (apt-get install python3-redis, for /usr/bin/python3)");

        List<String> lines = Files.readAllLines(TextDocumentsIT.DIR.resolve(TextDocumentsIT.DATA)).stream()
                .filter(l -> !l.isBlank()).toList();
        int passes = 2;
        List<String> counts = new CopyOnWriteArrayList<>();
        try (RedisServer redis = RedisServer.start(redisServer);
             RespClient publisher = new RespClient(redis.port);
             RespClient subscriber = new RespClient(redis.port);
             TextDocumentsIT.App app = TextDocumentsIT.App.start(2)) {
            String redisAddress = "127.0.0.1:" + redis.port;
            subscriber.subscribe("word-counts", counts::add);
            try (PythonScript out = PythonScript.start(python, TextDocumentsIT.DIR, "redis_publisher.py",
                         List.of("--word-count-stream", app.wordCountStream(), "--redis", redisAddress,
                                 "--channel", "word-counts"));
                 PythonScript in = PythonScript.start(python, TextDocumentsIT.DIR, "redis_subscriber.py",
                         List.of("--text-stream", app.textStream(), "--redis", redisAddress, "--channel", "documents"))) {
                awaitSubscriber(publisher, "documents", in);
                for (int pass = 0; pass < passes; pass++) {
                    for (String line : lines) {
                        assertEquals(1, publisher.publish("documents", line), "one subscriber took the line");
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                int expected = TextDocumentsIT.WORDS_PER_PASS * passes;
                while (counts.size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1000);
                TextDocumentsIT.assertExactCounts(List.copyOf(counts), passes, app.engine());
            }
        }
    }

    /** Pub/sub keeps nothing for late subscribers, so publish only once the script listens. */
    private static void awaitSubscriber(RespClient redis, String channel, PythonScript script) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (redis.subscribers(channel) < 1) {
            if (System.nanoTime() > deadline || !script.isAlive()) {
                throw new AssertionError("redis_subscriber.py did not subscribe:\n" + script.errorText());
            }
            Thread.sleep(50);
        }
    }
}
