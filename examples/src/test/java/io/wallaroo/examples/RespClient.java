package io.wallaroo.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Just enough of the Redis protocol (RESP) for tests: commands, PUBLISH, and one SUBSCRIBE. */
final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a command and returns its reply: a String, a Long, or a List of those (null for nil). */
    Object command(String... args) throws IOException {
        send(args);
        return reply();
    }

    long publish(String channel, String message) throws IOException {
        return (Long) command("PUBLISH", channel, message);
    }

    /** How many clients are subscribed to {@code channel}. */
    long subscribers(String channel) throws IOException {
        List<?> reply = (List<?>) command("PUBSUB", "NUMSUB", channel);
        return (Long) reply.get(1);
    }

    /** Subscribes this connection to {@code channel}; a daemon thread hands each message to {@code sink}. */
    void subscribe(String channel, Consumer<String> sink) throws IOException {
        send("SUBSCRIBE", channel);
        reply(); // the confirmation: from here on every publish reaches us
        socket.setSoTimeout(0);
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    List<?> message = (List<?>) reply();
                    if ("message".equals(message.get(0))) {
                        sink.accept((String) message.get(2));
                    }
                }
            } catch (IOException | RuntimeException closed) {
                // the connection closed
            }
        }, "redis-subscriber-" + channel);
        reader.setDaemon(true);
        reader.start();
    }

    private void send(String... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
    }

    private Object reply() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("redis closed the connection");
        }
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("redis error: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    yield null;
                }
                byte[] bytes = in.readNBytes(length);
                in.readNBytes(2);
                yield new String(bytes, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                yield items;
            }
            default -> throw new IOException("unexpected redis reply type " + (char) type);
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new EOFException("redis closed the connection mid-reply");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
