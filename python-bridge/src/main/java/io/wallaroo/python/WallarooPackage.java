package io.wallaroo.python;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the {@code wallaroo} Python package that ships inside the build (the wallaroo-py jar's
 * {@code python/} resources) and makes it importable: a directory is used in place, a jar is
 * copied once into a directory named after its content, so users install nothing.
 */
public final class WallarooPackage {
    private static final String MARKER = "python/wallaroo/__init__.py";

    private WallarooPackage() {}

    /** The directory to put on the Python path so that {@code import wallaroo} works. */
    public static Path locate() {
        URL marker = WallarooPackage.class.getClassLoader().getResource(MARKER);
        if (marker == null) {
            throw new IllegalStateException("the wallaroo Python package is missing from the class path ("
                    + MARKER + "); rebuild with scripts/build");
        }
        try {
            URI uri = marker.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent().getParent();
            }
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return extract(jar.getPath("/python"));
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot unpack the wallaroo Python package: " + e.getMessage(), e);
        }
    }

    private static Path extract(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest digest = sha256();
        for (Path file : files) {
            digest.update(root.relativize(file).toString().getBytes());
            digest.update(Files.readAllBytes(file));
        }
        String id = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "wallaroo-py-" + id);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "wallaroo-py-staging");
        for (Path file : files) {
            Path out = staging.resolve(root.relativize(file).toString());
            Files.createDirectories(out.getParent());
            try (InputStream in = Files.newInputStream(file)) {
                Files.copy(in, out);
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.isDirectory(target)) {
                throw raced;
            }
        }
        return target;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
