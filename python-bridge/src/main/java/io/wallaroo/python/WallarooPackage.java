package io.wallaroo.python;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds the {@code wallaroo} Python package that ships inside the build (the wallaroo-py jar's
 * {@code python/} resources) and makes it importable: a directory is used in place, a jar is
 * copied once into a directory named after its content, so users install nothing.
 */
public final class WallarooPackage {
    private static final String MARKER = "python/wallaroo/__init__.py";
    private static final String ROOT = "python/";

    private WallarooPackage() {}

    /** The directory to put on the Python path so that {@code import wallaroo} works. */
    public static Path locate() {
        return locate(WallarooPackage.class.getClassLoader());
    }

    static Path locate(ClassLoader loader) {
        URL marker = loader.getResource(MARKER);
        if (marker == null) {
            throw new IllegalStateException("the wallaroo Python package is missing from the class path ("
                    + MARKER + "); rebuild with scripts/build");
        }
        try {
            URI uri = marker.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent().getParent();
            }
            Path jarPath = Path.of(((JarURLConnection) marker.openConnection()).getJarFileURL().toURI());
            try (JarFile jar = new JarFile(jarPath.toFile())) {
                return extract(jar);
            }
        } catch (IOException | URISyntaxException | ClassCastException e) {
            throw new IllegalStateException("cannot unpack the wallaroo Python package from " + marker + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The package's directory under the temporary directory, named after the names, CRC-32s and
     * sizes of its files as the jar's index lists them: every launch computes the name, and this
     * needs no file to be inflated (hashing the contents took a sixth of a second of start-up).
     */
    private static Path extract(JarFile jar) throws IOException {
        List<JarEntry> files = jar.stream()
                .filter(entry -> !entry.isDirectory() && entry.getName().startsWith(ROOT))
                .sorted(Comparator.comparing(JarEntry::getName))
                .toList();
        MessageDigest digest = sha256();
        for (JarEntry file : files) {
            digest.update((file.getName() + "\0" + file.getCrc() + "\0" + file.getSize() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String id = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "wallaroo-py-" + id);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "wallaroo-py-staging");
        for (JarEntry file : files) {
            Path out = staging.resolve(file.getName().substring(ROOT.length()));
            Files.createDirectories(out.getParent());
            try (InputStream in = jar.getInputStream(file)) {
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
