package io.wallaroo.engine.connector.extension;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A script's end of the extension protocol, written independently of the engine's code, for tests. */
final class ScriptClient implements AutoCloseable {
    record Frame(int type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    ScriptClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    static ScriptClient source(int port, String name) throws IOException {
        ScriptClient client = new ScriptClient(port);
        client.hello(ExtensionProtocol.ROLE_SOURCE, name);
        return client;
    }

    static ScriptClient sink(int port, String name) throws IOException {
        ScriptClient client = new ScriptClient(port);
        client.hello(ExtensionProtocol.ROLE_SINK, name);
        return client;
    }

    void hello(int role, String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        out.writeInt(1 + 2 + 2 + n.length);
        out.writeByte(1);
        out.writeByte(1);
        out.writeByte(role);
        out.writeShort(n.length);
        out.write(n);
        out.flush();
    }

    /** A MESSAGE frame; {@code sequence} < 0 and {@code partition} null leave them out. */
    void message(String payload, String partition, long sequence) throws IOException {
        raw(messageFrame(payload, partition, sequence));
    }

    static byte[] messageFrame(String payload, String partition, long sequence) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        byte[] part = partition == null ? null : partition.getBytes(StandardCharsets.UTF_8);
        int flags = (part != null ? 1 : 0) | (sequence >= 0 ? 2 : 0);
        int length = 1 + 1 + (sequence >= 0 ? 8 : 0) + (part != null ? 2 + part.length : 0) + p.length;
        ByteBuffer frame = ByteBuffer.allocate(4 + length);
        frame.putInt(length).put((byte) 2).put((byte) flags);
        if (sequence >= 0) {
            frame.putLong(sequence);
        }
        if (part != null) {
            frame.putShort((short) part.length).put(part);
        }
        return frame.put(p).array();
    }

    void bye() throws IOException {
        out.writeInt(1);
        out.writeByte(3);
        out.flush();
    }

    void ack(long count) throws IOException {
        out.writeInt(9);
        out.writeByte(5);
        out.writeLong(count);
        out.flush();
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame, or null at the end of the stream. */
    /** The next frame other than RESUME (which the engine sends every source script after its hello). */
    Frame readFrame() throws IOException {
        while (true) {
            Frame frame = readAnyFrame();
            if (frame == null || frame.type() != ExtensionProtocol.RESUME) {
                return frame;
            }
        }
    }

    Frame readAnyFrame() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        int type = in.readUnsignedByte();
        byte[] body = new byte[length - 1];
        in.readFully(body);
        return new Frame(type, body);
    }

    /** Values of the records of a RECORDS frame body, as text. */
    static List<String> values(byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        List<String> values = new ArrayList<>();
        while (b.hasRemaining()) {
            int keyLength = b.getInt();
            if (keyLength >= 0) {
                b.position(b.position() + keyLength);
            }
            byte[] value = new byte[b.getInt()];
            b.get(value);
            values.add(new String(value, StandardCharsets.UTF_8));
        }
        return values;
    }

    /** True when the engine closed the connection within the socket timeout (after any frames). */
    boolean closedByEngine() throws IOException {
        try {
            while (readFrame() != null) {
                // skip what is left
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset counts as closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
