package io.wallaroo.flink.connect;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses this JVM's server source readers (TCP, extension) are listening on, as the
 * application gave them. On the embedded mini-cluster the launcher waits for its sources here
 * rather than by connecting to them: a connection also succeeds when some other process holds the
 * address, and "ready" would then be printed for a job about to fail.
 */
public final class ListeningSources {
    private static final Set<String> LISTENING = ConcurrentHashMap.newKeySet();

    private ListeningSources() {}

    public static boolean listening(String host, int port) {
        return LISTENING.contains(host + ":" + port);
    }

    static void opened(String host, int port) {
        LISTENING.add(host + ":" + port);
    }

    static void closed(String host, int port) {
        LISTENING.remove(host + ":" + port);
    }
}
