package io.wallaroo.examples;

import java.io.IOException;

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
        String directives = Jcmd.run(pid, "Compiler.directives_print");
        for (String pattern : new String[]{"jdk/graal/compiler/*.*",
                "com/oracle/graal/python/nodes/bytecode/PBytecodeRootNode.bytecodeLoop"}) {
            assertTrue(directives.contains(pattern), pattern + " not in the compiler directives of " + pid
                    + ":\n" + directives);
        }
        String flags = Jcmd.run(pid, "VM.flags");
        assertTrue(flags.contains("-XX:Tier4InvocationThreshold=50000"), "the C2 thresholds of " + pid + ":\n" + flags);
    }
}
