package io.wallaroo.python.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wallaroo --version}: read from the shipped Python package's {@code wallaroo/_version.py},
 * the one place the version is written, so it always agrees with {@code wallaroo.__version__}.
 */
public final class WallarooVersion implements CommandLine.IVersionProvider {
    private static final Pattern VERSION = Pattern.compile("^__version__\\s*=\\s*\"([^\"]+)\"", Pattern.MULTILINE);

    public static String get() {
        try (InputStream in = WallarooVersion.class.getClassLoader().getResourceAsStream("python/wallaroo/_version.py")) {
            if (in == null) {
                return "unknown";
            }
            Matcher m = VERSION.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"wallaroo " + get() + " (JVM engine with GraalPy; Java " + Runtime.version() + ")"};
    }
}
