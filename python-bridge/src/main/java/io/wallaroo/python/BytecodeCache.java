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
 * parsing the cache saves at start-up, so the cache stays off wherever several contexts run.
 * With one lane (the default on 2 cores) there is nothing to share, and the local launcher
 * offers a directory of its runtime image ({@code wallaroo.pycache.default}): importing
 * {@code wallaroo._bridge} from it took 0.85-0.9 s of wall time against 1.5-1.8 s from source,
 * and ready came 0.7-1 s sooner.
 */
final class BytecodeCache {
    private BytecodeCache() {}

    /**
     * The cache directory, or null when caching is off or impossible here: WALLAROO_PYCACHE when
     * set ({@code off} for none), otherwise the launcher's default when a single context will run
     * Python.
     */
    static Path directory(boolean singleContext) {
        String dir = System.getenv("WALLAROO_PYCACHE");
        if (dir == null || dir.isBlank()) {
            dir = singleContext ? System.getProperty("wallaroo.pycache.default") : null;
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
