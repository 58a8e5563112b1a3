package io.wallaroo.flink.cli;

import java.util.regex.Pattern;

/**
 * The one line a user reads when a Flink job cannot start or fails: the deepest message the engine
 * or the runner wrote itself, since those name the cause and the fix (the JDK's or Netty's under
 * them do not); failing that, the deepest message of all, with its exception's name.
 */
final class FailureMessage {
    /**
     * A task's exception reaches the client as Flink's {@code SerializedThrowable}, whose message
     * starts with the original exception's class name; ours read better without it.
     */
    private static final Pattern CLASS_NAME_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*: ");

    private FailureMessage() {}

    static String of(Throwable e) {
        Throwable t = e;
        String deepest = String.valueOf(e.getMessage());
        String ours = null;
        while (t != null) {
            String message = t.getMessage();
            if (message != null && (message.contains("application module") || message.contains("slot"))) {
                return withoutClassName(message);
            }
            if (message != null) {
                deepest = t.getClass().getSimpleName() + ": " + message;
                StackTraceElement[] where = t.getStackTrace();
                if (where.length > 0 && where[0].getClassName().startsWith("io.wallaroo.")) {
                    ours = withoutClassName(message);
                }
            }
            t = t.getCause();
        }
        return ours != null ? ours : deepest;
    }

    private static String withoutClassName(String message) {
        return CLASS_NAME_PREFIX.matcher(message).replaceFirst("");
    }
}
