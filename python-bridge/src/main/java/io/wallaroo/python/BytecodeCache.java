package io.wallaroo.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where GraalPy keeps {@code .pyc} files (its {@code python.PyCachePrefix}), when asked for with
 * {@code WALLAROO_PYCACHE=DIR}: a mirror tree under DIR rather than {@code __pycache__} folders next
 * to the sources. Off by default, measured: modules imported from {@code .pyc} get their own code
 * objects in every context, so each lane compiled {@code split} and the other hot functions again
 * (engine.TraceCompilation shows two call targets per function), while modules imported from
 * source share one call target, compiled once for all lanes. Sharing is worth more than the
 * parsing the cache saves at start-up.
 */
final class BytecodeCache {
    private BytecodeCache() {}

    /** The cache directory, or null when caching is off (the default) or impossible here. */
    static Path directory() {
        String dir = System.getenv("WALLAROO_PYCACHE");
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
