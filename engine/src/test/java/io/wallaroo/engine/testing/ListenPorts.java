package io.wallaroo.engine.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for tests to hand to an engine that will listen on them a few seconds later.
 *
 * <p>A port from {@code new ServerSocket(0)} comes from the kernel's ephemeral range, the same range
 * every outgoing connection takes its local port from. Between the test choosing it and the engine
 * binding it, any connect on the machine (the engine's own sink connecting, a broker, a browser) may
 * take that port, and the engine then fails with "Address already in use". Ports below the ephemeral
 * range are never given to outgoing connections, so only another listener can take them: each one is
 * checked free when handed out, never handed out twice by this JVM, and the search starts at a random
 * place so that two test JVMs rarely try the same ones.
 */
public final class ListenPorts {
    /** Where the search starts when the ephemeral range is unknown or leaves no room below it. */
    private static final int LOWEST = 10_000;
    private static final Set<Integer> handedOut = new HashSet<>();

    private ListenPorts() {
    }

    /** A port nothing listens on now, that no outgoing connection will take. */
    public static synchronized int free() throws IOException {
        int below = ephemeralLowerBound();
        if (below - LOWEST < 1_000) {
            return anyFree();
        }
        int span = below - LOWEST;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = LOWEST + (start + i) % span;
            if (!handedOut.contains(port) && bindable(port)) {
                handedOut.add(port);
                return port;
            }
        }
        return anyFree();
    }

    /** The first port of {@code /proc/sys/net/ipv4/ip_local_port_range}, or Linux's default where it cannot be read. */
    static int ephemeralLowerBound() {
        try {
            // Read by lines: Files.readString sees size 0, starts with a one-byte read, and a sysctl
            // file answers that with one byte and then end of file ("3" here).
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean bindable(int port) {
        // The wildcard address without SO_REUSEADDR: fails if anything listens on the port on any address.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
