package io.wallaroo.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP receiver for a sink whose encoder writes length-prefixed messages (a 4-byte big-endian
 * length, then the payload); keeps each payload as UTF-8 text. Accepts reconnections.
 */
public final class FramedReceiver implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    public FramedReceiver(int port) throws IOException {
        server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "framed-receiver-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread reader = new Thread(() -> read(socket), "framed-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int length = in.readInt();
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    return; // cut off mid-frame: the connection went away
                }
                messages.add(new String(payload, StandardCharsets.UTF_8));
            }
        } catch (EOFException ignored) {
            // the sink closed the connection between frames
        } catch (IOException ignored) {
            // connection reset
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

    @Override
    public void close() throws IOException {
        server.close();
    }
}
