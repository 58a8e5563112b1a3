package io.wallaroo.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A throwaway redis-server on a free loopback port: no persistence, its own temporary directory. */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    final int port;

    private RedisServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** The redis-server executable, if this machine has one. */
    static Optional<String> executable() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static RedisServer start(String executable) throws Exception {
        int port = EngineProcess.freePort();
        Path dir = Files.createTempDirectory("redis-test");
        Process process = new ProcessBuilder(executable, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisServer server = new RedisServer(process, dir, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (RespClient client = new RespClient(port)) {
                if ("PONG".equals(client.command("PING"))) {
                    return server;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new AssertionError("redis-server did not answer on port " + port + ":\n"
                + Files.readString(dir.resolve("redis.log")));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
