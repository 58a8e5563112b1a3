package io.wallaroo.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Folders of this checkout that the bridge tests read. The Python package is taken from the
 * source tree rather than from the class path: with {@code mvn -pl python-bridge}, Maven
 * resolves the wallaroo-py jar from the local repository, which may hold an older install.
 */
final class SourceTree {
    private SourceTree() {}

    /** The repository root: the parent of surefire's working directory (this module), or it. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(here.getParent(), here)) {
            if (candidate != null && Files.isDirectory(candidate.resolve("wallaroo-py/wallaroo"))) {
                return candidate;
            }
        }
        throw new AssertionError("cannot find the repository root (with wallaroo-py/wallaroo) from " + here);
    }

    /** The directory holding the {@code wallaroo} package: put it on the Python path. */
    static Path wallarooPackage() {
        return root().resolve("wallaroo-py");
    }

    static Path packageTests() {
        return root().resolve("wallaroo-py/tests");
    }

    static Path example(String name) {
        return root().resolve("examples").resolve(name);
    }
}
