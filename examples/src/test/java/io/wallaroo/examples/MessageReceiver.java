package io.wallaroo.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A TCP receiver for an engine's sink: listens on loopback, accepts reconnections, and keeps every
 * message any connection delivered. Subclasses say how a connection's bytes split into messages.
 */
abstract class MessageReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final String kind;

    MessageReceiver(int port, String kind) throws IOException {
        this.kind = kind;
        server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, kind + "-receiver-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Reads one connection's messages until it ends, handing each to {@code message}. A connection
     * that goes away, between messages or in the middle of one, just ends the reading.
     */
    protected abstract void readMessages(InputStream in, Consumer<String> message) throws IOException;

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> read(socket), kind + "-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (socket; InputStream in = socket.getInputStream()) {
            readMessages(in, messages::add);
        } catch (IOException ignored) {
            // the connection was closed or reset
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Waits until at least {@code count} messages arrived; returns them all. */
    public List<String> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return List.copyOf(messages);
    }

    /** Waits until no new message arrived for {@code quiet}; returns them all. */
    public List<String> awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (messages.size() != seen) {
                seen = messages.size();
                since = System.nanoTime();
            } else if (System.nanoTime() - since > quiet.toNanos()) {
                break;
            }
            Thread.sleep(20);
        }
        return List.copyOf(messages);
    }

    /** Every message so far. */
    protected List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
