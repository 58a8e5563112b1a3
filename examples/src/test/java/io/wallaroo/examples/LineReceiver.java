package io.wallaroo.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP receiver for a sink that writes text lines; accepts reconnections. */
public final class LineReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public LineReceiver(int port) throws IOException {
        server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "line-receiver-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> read(socket), "line-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // connection closed
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Waits until at least {@code count} lines arrived; returns them all. */
    public List<String> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return List.copyOf(lines);
    }

    /** Waits until no new line arrived for {@code quiet}; returns them all. */
    public List<String> awaitQuiet(Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (lines.size() != seen) {
                seen = lines.size();
                since = System.nanoTime();
            } else if (System.nanoTime() - since > quiet.toNanos()) {
                break;
            }
            Thread.sleep(20);
        }
        return List.copyOf(lines);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
