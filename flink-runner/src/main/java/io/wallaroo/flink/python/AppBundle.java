package io.wallaroo.flink.python;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Python side of a job, shipped inside the job graph: the module name, the arguments for
 * {@code application_setup(args)}, and the {@code .py} files of every Python path entry (the
 * {@code wallaroo} package first, then the application's directories). A task manager needs
 * nothing installed: it unpacks these into a directory named after their content.
 */
public record AppBundle(String module, List<String> args, List<Map<String, byte[]>> pathEntries) implements Serializable {
    private static final long MAX_BYTES = 64L << 20;
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "__pycache__", "node_modules", "venv", ".venv");

    public AppBundle {
        args = List.copyOf(args);
        pathEntries = List.copyOf(pathEntries);
    }

    /** Reads the .py files (and nothing else) of each directory, up to a few levels deep. */
    public static AppBundle capture(String module, List<String> args, List<Path> pythonPath) {
        List<Map<String, byte[]>> entries = new ArrayList<>();
        long[] total = {0};
        for (Path dir : pythonPath) {
            Map<String, byte[]> files = new TreeMap<>();
            if (Files.isDirectory(dir)) {
                try {
                    Files.walkFileTree(dir, Set.of(), 6, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                            String name = d.getFileName() == null ? "" : d.getFileName().toString();
                            return !d.equals(dir) && (SKIPPED_DIRS.contains(name) || name.startsWith("."))
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                            if (attrs.isRegularFile() && f.toString().endsWith(".py")) {
                                total[0] += attrs.size();
                                if (total[0] > MAX_BYTES) {
                                    throw new IOException("the Python files under " + dir + " exceed "
                                            + (MAX_BYTES >> 20) + " MB; run from the application's own directory");
                                }
                                files.put(dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot ship the application's Python files: " + e.getMessage(), e);
                }
            }
            entries.add(files);
        }
        return new AppBundle(module, args, entries);
    }

    /** Unpacks every entry (once per content) and returns the Python path in order. */
    public List<Path> unpack() {
        List<Path> out = new ArrayList<>();
        for (Map<String, byte[]> entry : pathEntries) {
            out.add(unpackEntry(entry));
        }
        return out;
    }

    private static Path unpackEntry(Map<String, byte[]> files) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (var f : new TreeMap<>(files).entrySet()) {
            digest.update(f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(f.getValue());
        }
        String id = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "wallaroo-job-py-" + id);
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Path staging = Files.createTempDirectory(target.getParent(), "wallaroo-job-py-staging");
            for (var f : files.entrySet()) {
                Path file = staging.resolve(f.getKey()).normalize();
                if (!file.startsWith(staging)) {
                    throw new IOException("refusing a bundled path outside its directory: " + f.getKey());
                }
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the application's Python files: " + e.getMessage(), e);
        }
    }

    /** Total size of the shipped files, for the start-up line. */
    public long bytes() {
        return pathEntries.stream().flatMap(m -> m.values().stream()).mapToLong(b -> b.length).sum();
    }
}
