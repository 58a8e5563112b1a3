package io.wallaroo.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks, from outside, that a running JVM got the launcher's JIT policy (scripts/graal-jvm.sh,
 * scripts/jit-directives.json): asked with the JDK's own {@code jcmd}, as a user would check it,
 * so a launch path that forgets the policy fails here rather than only running slower.
 */
final class LauncherJitPolicy {
    private LauncherJitPolicy() {
    }

    static void assertApplied(long pid) throws IOException, InterruptedException {
        String directives = jcmd(pid, "Compiler.directives_print");
        for (String pattern : new String[]{"jdk/graal/compiler/*.*",
                "com/oracle/graal/python/nodes/bytecode/PBytecodeRootNode.bytecodeLoop"}) {
            assertTrue(directives.contains(pattern), pattern + " not in the compiler directives of " + pid
                    + ":\n" + directives);
        }
        String flags = jcmd(pid, "VM.flags");
        assertTrue(flags.contains("-XX:Tier4InvocationThreshold=50000"), "the C2 thresholds of " + pid + ":\n" + flags);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
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
