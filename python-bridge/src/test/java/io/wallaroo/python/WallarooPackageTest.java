package io.wallaroo.python;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The package unpacked from a jar: one directory per content, reused by later launches. */
class WallarooPackageTest {
    /** Directories this test made under java.io.tmpdir (each named after content unique to it). */
    private final List<Path> unpackedHere = new ArrayList<>();

    @AfterEach
    void removeUnpacked() throws IOException {
        for (Path dir : unpackedHere) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void aJarIsUnpackedOnceIntoADirectoryNamedAfterItsContent(@TempDir Path dir) throws IOException {
        Path first = jar(dir.resolve("a.jar"), "VERSION = 1\n");
        Path sameContent = jar(dir.resolve("b.jar"), "VERSION = 1\n");
        Path changed = jar(dir.resolve("c.jar"), "VERSION = 2\n");

        Path unpacked = locateIn(first);
        unpackedHere.add(unpacked);
        assertTrue(Files.readString(unpacked.resolve("wallaroo/__init__.py")).startsWith("VERSION = 1\n"));
        assertEquals("def f(): pass\n", Files.readString(unpacked.resolve("wallaroo/sub/mod.py")));
        assertEquals(unpacked, locateIn(sameContent), "the same files must reuse the directory");

        Path other = locateIn(changed);
        unpackedHere.add(other);
        assertNotEquals(unpacked, other, "changed files must not reuse the old directory");
        assertTrue(Files.readString(other.resolve("wallaroo/__init__.py")).startsWith("VERSION = 2\n"));
    }

    private static Path locateIn(Path jar) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            return WallarooPackage.locate(loader);
        }
    }

    /** A jar like wallaroo-py's, with a per-test marker so runs never share a directory. */
    private static Path jar(Path file, String init) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            put(out, "python/wallaroo/__init__.py", init + "# " + file.getParent() + "\n");
            put(out, "python/wallaroo/sub/mod.py", "def f(): pass\n");
            put(out, "io/wallaroo/Other.class", "not part of the package");
        }
        return file;
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
