package io.wallaroo.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where GraalPy keeps {@code .pyc} files (its {@code python.PyCachePrefix}): a mirror tree under a
 * directory rather than {@code __pycache__} folders next to the sources. {@code WALLAROO_PYCACHE=DIR}
 * chooses it, {@code off} turns it off, and otherwise the local launcher offers a directory of its
 * runtime image ({@code wallaroo.pycache.default}).
 *
 * <p>What the cache saves is parsing: importing {@code wallaroo._bridge} took 0.85-0.9 s of wall
 * time from it against 1.5-1.8 s from source (one lane), and with 2 lanes ready came after 6.2 s
 * against 7.8 s (medians of five interleaved pairs, docs/design.md). Lanes share the code of
 * modules either way ({@link io.wallaroo.python.codesharing.SharedImports}); a first launch
 * compiles each module from source once and writes the file the others then load.
 */
final class BytecodeCache {
    private BytecodeCache() {}

    /**
     * The cache directory, or null when caching is off or impossible here: WALLAROO_PYCACHE when
     * set ({@code off} for none), otherwise the launcher's default, if it offers one.
     */
    static Path directory() {
        String dir = System.getenv("WALLAROO_PYCACHE");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("wallaroo.pycache.default");
        }
        if (dir == null || dir.isBlank() || "off".equals(dir)) {
            return null;
        }
        try {
            Path path = Files.createDirectories(Path.of(dir));
            return Files.isWritable(path) ? path.toAbsolutePath() : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
