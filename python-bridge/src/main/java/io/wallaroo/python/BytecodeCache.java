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
 * <p>It is on for any number of lanes, because lanes do not share the code of modules imported
 * after GraalPy's core, whether from source or from {@code .pyc}: GraalPy compiles each import
 * through a new Truffle {@code Source}, and on a JVM Truffle's source cache holds the parsed code
 * only while that {@code Source} object is alive (its strong cache is for native-image auxiliary
 * engines), so a context that imports the module after a collection parses it again and gets call
 * targets of its own. Neither keeping the code objects nor parsing an equal file first from here
 * keeps the entry (docs/design.md, "Code sharing between lanes"); {@code engine.TraceCompilation}
 * of word count with 2 lanes shows two call targets for every application function either way. What the cache saves is parsing: importing
 * {@code wallaroo._bridge} took 0.85-0.9 s of wall time from it against 1.5-1.8 s from source
 * (one lane), and with 2 lanes ready came after 6.2 s against 7.8 s (medians of five interleaved
 * pairs, docs/design.md).
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
