package io.wallaroo.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The JDK's {@code jcmd}, run against a live JVM the tests started: what it says of its flags or compilers. */
final class Jcmd {
    private Jcmd() {
    }

    static String run(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(jcmd + " " + pid + " " + command + " did not finish:\n" + out);
        }
        return out;
    }
}
