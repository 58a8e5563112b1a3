package io.wallaroo.engine.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Gives the calling lane thread a lower OS scheduling priority (a higher niceness), on Linux.
 *
 * <p>Why: while an application warms up, the JIT compilers are its critical path: HotSpot's C1
 * and C2 compile the Python interpreter and the Graal compiler, and Truffle's compiler thread
 * turns the application's hot Python into machine code. The kernel shares a contended core
 * evenly between them and a lane that is busy interpreting, so on a machine with few cores the
 * lane slows down the very compilations that would make it fast. At a niceness of 5 the
 * compilers get about three times the lane's share while both want the CPU, and the lane does
 * more in the first seconds than it loses (docs/design.md, "Lane niceness"). Once warm the
 * compilers are idle, and the niceness only matters against other processes of the machine.
 *
 * <p>Java has no API for a thread's niceness, and raising it needs no privilege, so this runs
 * {@code renice} on the thread's kernel id (read from /proc/thread-self) and reads the result
 * back. Best effort: without /proc or renice the lane keeps its priority and says so in the log.
 */
final class LaneNiceness {
    private static final Logger LOG = LoggerFactory.getLogger(LaneNiceness.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private LaneNiceness() {}

    /** Sets the calling thread's niceness; true if it now has that niceness. */
    static boolean apply(int niceness) {
        OptionalInt tid = kernelThreadId();
        if (tid.isEmpty()) {
            LOG.debug("no /proc/thread-self: lane {} keeps its scheduling priority", Thread.currentThread().getName());
            return false;
        }
        try {
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(niceness), "-p",
                    Integer.toString(tid.getAsInt()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.info("{} keeps its scheduling priority: could not run renice ({})",
                    Thread.currentThread().getName(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        OptionalInt now = current();
        if (now.isEmpty() || now.getAsInt() != niceness) {
            LOG.info("{} keeps its scheduling priority: renice to {} did not take (niceness {})",
                    Thread.currentThread().getName(), niceness, now.isPresent() ? now.getAsInt() : "unknown");
            return false;
        }
        return true;
    }

    /** The calling thread's niceness, from the 19th field of /proc/thread-self/stat. */
    static OptionalInt current() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"));
            // Fields after the command name (which may itself hold spaces) start at field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalInt.of(Integer.parseInt(fields[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt kernelThreadId() {
        try {
            // The link reads "PID/task/TID".
            Path target = Files.readSymbolicLink(THREAD_SELF);
            return OptionalInt.of(Integer.parseInt(target.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
