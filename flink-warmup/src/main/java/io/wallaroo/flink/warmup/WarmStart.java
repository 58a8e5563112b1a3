package io.wallaroo.flink.warmup;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a JVM's real main class with a GraalPy warm-up beside it:
 * {@code java ... io.wallaroo.flink.warmup.WarmStart MAIN_CLASS [ARGS...]}.
 *
 * <p>scripts/flink-local starts its task managers this way (MAIN_CLASS is Flink's
 * {@code TaskManagerRunner}). A wrapper rather than a Java agent, because an agent's jar joins the
 * class path at start-up and the task managers' AOT cache fits only the class path it was recorded
 * with; this jar is on that class path from the start.
 */
public final class WarmStart {
    private WarmStart() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: java ... " + WarmStart.class.getName() + " MAIN_CLASS [ARGS...]");
            System.exit(2);
        }
        PythonWarmup.fromSystemProperties().ifPresent(PythonWarmup::startInBackground);
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
