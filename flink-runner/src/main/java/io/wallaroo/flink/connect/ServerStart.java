package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.Source;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.connector.tcp.CannotListenException;
import org.apache.flink.runtime.execution.SuppressRestartsException;

import java.util.function.Supplier;

/**
 * Starts a local-engine server source (TCP, extension) inside a Flink source reader. A reader
 * cannot see its task's attempt number, so a taken address is retried for a few seconds: after a
 * restart it may be the previous attempt's own socket still closing. Past that the address is held
 * by something else, which restarting will not change, so the job fails at once with the engine's
 * message (the address, the fix) instead of going through every restart.
 */
final class ServerStart {
    private static final long BIND_RETRY_MILLIS = 3000;
    private static final long RETRY_PAUSE_MILLIS = 100;

    private ServerStart() {}

    /**
     * A new server from {@code make} for {@code host:port}, started on {@code context} and
     * registered as listening there ({@link ListeningSources}); {@code what} names it in errors.
     */
    static <S extends Source> S listening(String host, int port, Supplier<S> make, SourceContext context, String what) {
        long deadline = System.currentTimeMillis() + BIND_RETRY_MILLIS;
        while (true) {
            S candidate = make.get();
            try {
                candidate.start(context);
                ListeningSources.opened(host, port);
                return candidate;
            } catch (IllegalStateException e) {
                candidate.close();
                if (!(e instanceof CannotListenException)) {
                    throw e;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new SuppressRestartsException(e);
                }
            } catch (Exception e) {
                candidate.close();
                throw new IllegalStateException(what + ": " + e.getMessage(), e);
            }
            try {
                Thread.sleep(RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + what + " was binding its address", e);
            }
        }
    }

    /** Closes a server {@link #listening} started, if it did, and unregisters its address. */
    static void close(Source server, String host, int port) {
        if (server != null) {
            ListeningSources.closed(host, port);
            server.close();
        }
    }
}
