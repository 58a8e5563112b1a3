package io.wallaroo.flink.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Finds the newest complete savepoint or retained checkpoint under a resilience directory. */
final class Restore {
    private Restore() {}

    static Path latest(Path resilienceDir) {
        if (resilienceDir == null) {
            throw new IllegalArgumentException("--restore latest needs --resilience-dir");
        }
        if (!Files.isDirectory(resilienceDir)) {
            return null;
        }
        try (Stream<Path> walk = Files.walk(resilienceDir, 4)) {
            return walk.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .max(Comparator.comparingLong(Restore::modified))
                    .map(Path::getParent).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
