package io.wallaroo.python.cli;

import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands the launcher's HotSpot compiler directives (scripts/jit-directives.json, named by the
 * system property {@value #PROPERTY}) to the running JVM: the Graal compiler, GraalPy's parser and
 * its bytecode interpreter's loop stay at C1's optimized tier instead of being C2-compiled during
 * start-up (docs/design.md, "Start-up, warm-up and memory").
 *
 * <p>Why not {@code -XX:CompilerDirectivesFile}: that flag prints "1 compiler directives added"
 * on the JVM's standard output, ahead of everything the launcher says (scripts/flink-local's task
 * managers, whose output is only a log, do take the flag). The diagnostic command
 * used here returns that text instead. It runs on a daemon thread so that loading the management
 * classes overlaps the polyglot engine's start; the parser and the compiler start working only
 * after that.
 *
 * <p>Public because the Flink runner's launcher applies the same file: its mini-cluster runs
 * GraalPy and the Graal compiler in the same JVM, cold, the same way.
 */
public final class JitDirectives {
    static final String PROPERTY = "wallaroo.jit.directives";

    private JitDirectives() {
    }

    /** Applies the file named by {@value #PROPERTY}, if any, in the background. */
    public static void applyInBackground() {
        String file = System.getProperty(PROPERTY, "");
        if (file.isBlank()) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                apply(Path.of(file));
            } catch (IllegalArgumentException e) {
                System.err.println("wallaroo: warning: " + e.getMessage());
            }
        }, "jit-directives");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Adds the directives in {@code file} to the JVM's compiler directives stack.
     *
     * @return what the JVM answered, e.g. "1 compiler directives added"
     * @throws IllegalArgumentException naming the file, the cause and what it costs, when the JVM
     *                                  does not take them
     */
    static String apply(Path file) {
        String failure = "compiler directives from " + file + " not applied: ";
        String consequence = "; start-up uses more CPU, nothing else changes"
                + " (the file comes with the launcher, next to graal-jvm.sh)";
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(failure + "no such readable file" + consequence);
        }
        String answer;
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
            answer = String.valueOf(out).strip();
        } catch (JMException | RuntimeException e) {
            throw new IllegalArgumentException(failure + e + consequence, e);
        }
        // A syntax error is reported in the answer, not as an exception.
        if (!answer.matches("(?s).*\\b[1-9]\\d* compiler directives added.*")) {
            throw new IllegalArgumentException(failure + answer.replace('\n', ' ') + consequence);
        }
        return answer;
    }
}
