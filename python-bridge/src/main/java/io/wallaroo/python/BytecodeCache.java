package io.wallaroo.python;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where GraalPy keeps {@code .pyc} files (its {@code python.PyCachePrefix}): a mirror tree under
 * the user's cache directory rather than {@code __pycache__} folders next to the sources, so the
 * application's directory and the unpacked standard library stay untouched. Importing from
 * cached bytecode skips parsing and compiling, which on a cold JVM is a large part of start-up.
 * Invalidation is Python's own (source modification time and size).
 *
 * <p>{@code WALLAROO_PYCACHE} overrides the place; {@code WALLAROO_PYCACHE=off} turns caching off.
 * When the directory cannot be created, Python runs without a cache, as before.
 */
final class BytecodeCache {
    private BytecodeCache() {}

    /** The cache directory, or null when caching is off or impossible here. */
    static Path directory() {
        String override = System.getenv("WALLAROO_PYCACHE");
        if ("off".equals(override)) {
            return null;
        }
        Path dir;
        if (override != null && !override.isBlank()) {
            dir = Path.of(override);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            dir = base.resolve("wallaroo-jvm").resolve("pycache");
        }
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir.toAbsolutePath() : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
