package io.wallaroo.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's own Java runtime (scripts/runtime-image, built with python-bridge): a launch runs
 * on the linked JDK from its AOT cache and keeps Python bytecode beside it (with any number of
 * lanes), and a launch the cache does not fit still runs, saying so.
 */
class StartupCacheIT {
    private static final Path RUNTIME = EngineProcess.root().resolve("python-bridge/target/runtime");

    @BeforeAll
    static void theBuildMadeTheRuntime() throws Exception {
        // scripts/runtime-image builds it on JDK 25 and newer, the JDK this build runs on.
        assumeTrue(Runtime.version().feature() >= 25, "the runtime image needs JDK 25+; this build runs on "
                + Runtime.version());
        Path log = RUNTIME.resolve("training.log");
        String training = Files.exists(log) ? Files.readString(log) : "(no training.log)";
        assertTrue(Files.isExecutable(RUNTIME.resolve("jdk/bin/java")), "no runtime image in " + RUNTIME);
        assertTrue(Files.isRegularFile(RUNTIME.resolve("wallaroo.aot")), "no AOT cache; training said:\n" + training);
    }

    @Test
    void aLaunchRunsOnTheImageFromItsCache() throws Exception {
        deleteWordCountBytecode();
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = wordCount(in, receiver, Map.of())) {
            engine.awaitReady();
            assertTrue(engine.outputText().contains("JVM start-up cache: on"), engine.outputText());
            String java = ProcessHandle.of(engine.pid()).orElseThrow().info().command().orElse("?");
            assertEquals(RUNTIME.resolve("jdk/bin/java").toRealPath().toString(), Path.of(java).toRealPath().toString());
            assertCounts(in, engine, receiver);
            // one lane: the application's bytecode is kept for the next launch (BytecodeCache)
            try (var files = Files.walk(RUNTIME.resolve("pycache"))) {
                assertTrue(files.anyMatch(StartupCacheIT::isWordCountBytecode),
                        "no word_count .pyc under " + RUNTIME.resolve("pycache"));
            }
        }
    }

    @Test
    void twoLanesKeepTheApplicationsBytecodeToo() throws Exception {
        // Lanes do not share the code of modules they import (BytecodeCache), so several lanes
        // use the .pyc files as one does.
        deleteWordCountBytecode();
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = wordCount(in, receiver, Map.of(), "--ponythreads", "2")) {
            engine.awaitReady();
            Framed.send(in, List.of("two lanes", "two"));
            List<String> lines = receiver.await(3, Duration.ofSeconds(60));
            // the words count on different lanes, so their lines may come out in either order
            assertEquals(List.of("lanes => 1", "two => 1", "two => 2"), lines.stream().sorted().toList(),
                    engine.outputText());
            try (var files = Files.walk(RUNTIME.resolve("pycache"))) {
                assertTrue(files.anyMatch(StartupCacheIT::isWordCountBytecode),
                        "no word_count .pyc under " + RUNTIME.resolve("pycache") + " after a 2-lane launch");
            }
        }
    }

    @Test
    void aLaunchTheCacheDoesNotFitRunsWithoutItAndSaysWhy() throws Exception {
        // ZGC lays out object references differently from the serial collector the cache was
        // recorded with, so the JVM cannot use it.
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = wordCount(in, receiver, Map.of("WALLAROO_JAVA_OPTS", "-XX:-UseSerialGC -XX:+UseZGC"))) {
            engine.awaitReady();
            String text = engine.outputText();
            assertTrue(text.contains("JVM start-up cache: not used") && text.contains("scripts/build"), text);
            assertFalse(engine.output().stream().anyMatch(l -> l.startsWith("[") && l.contains("aot")),
                    "the JVM's own messages about the cache stay quiet:\n" + text);
            assertCounts(in, engine, receiver);
        }
    }

    @Test
    void aQuickLaunchStopsAtC1AndStillStartsFromTheCache() throws Exception {
        int in = EngineProcess.freePort();
        try (LineReceiver receiver = new LineReceiver(EngineProcess.freePort());
             EngineProcess engine = wordCount(in, receiver, Map.of("WALLAROO_JIT_TIERS", "quick"))) {
            engine.awaitReady();
            assertTrue(engine.outputText().contains("JVM start-up cache: on"), engine.outputText());
            // ProcessHandle.Info leaves out command lines this long; Linux has them all.
            List<String> args = List.of(Files.readString(Path.of("/proc/" + engine.pid() + "/cmdline")).split("\0"));
            assertTrue(args.contains("-XX:TieredStopAtLevel=1"), args.toString());
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:Tier4")), "no C2 tuning with C2 off: " + args);
            assertCounts(in, engine, receiver);
        }
    }

    /** Removes word count's .pyc (the training launch's, or an earlier test's), so a test sees its own. */
    private static void deleteWordCountBytecode() throws Exception {
        try (var files = Files.walk(RUNTIME.resolve("pycache"))) {
            for (Path pyc : files.filter(StartupCacheIT::isWordCountBytecode).toList()) {
                Files.delete(pyc);
            }
        }
    }

    private static boolean isWordCountBytecode(Path file) {
        return file.getFileName().toString().matches("word_count\\.graalpy.*\\.pyc");
    }

    private static EngineProcess wordCount(int in, LineReceiver receiver, Map<String, String> env, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--application-module", "word_count",
                "--in", "127.0.0.1:" + in, "--out", "127.0.0.1:" + receiver.port()));
        args.addAll(List.of(more));
        return EngineProcess.start(EngineProcess.example("word_count"), args, env);
    }

    private static void assertCounts(int in, EngineProcess engine, LineReceiver receiver) throws Exception {
        Framed.send(in, List.of("cached start", "cached"));
        List<String> lines = receiver.await(3, Duration.ofSeconds(60));
        assertEquals(List.of("cached => 1", "start => 1", "cached => 2"), lines, engine.outputText());
    }
}
