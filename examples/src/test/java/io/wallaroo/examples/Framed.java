package io.wallaroo.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Sends messages the way Wallaroo's TCP sources expect: a 4-byte big-endian length, then the bytes. */
public final class Framed {
    private Framed() {}

    public static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    public static byte[] frame(String text) {
        return frame(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Connects (retrying while the engine starts listening) and sends every message. */
    public static void send(int port, List<String> messages) throws IOException, InterruptedException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            for (String message : messages) {
                out.write(frame(message));
            }
            out.flush();
        }
    }

    public static Socket connect(int port) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return new Socket("127.0.0.1", port);
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }
}
