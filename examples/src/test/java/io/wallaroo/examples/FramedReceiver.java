package io.wallaroo.examples;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A TCP receiver for a sink whose encoder writes length-prefixed messages (a 4-byte big-endian
 * length, then the payload); keeps each payload as UTF-8 text. Accepts reconnections.
 */
public final class FramedReceiver extends MessageReceiver {
    public FramedReceiver(int port) throws IOException {
        super(port, "framed");
    }

    @Override
    protected void readMessages(InputStream stream, Consumer<String> message) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        try {
            while (true) {
                int length = in.readInt();
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    return; // cut off mid-frame: the connection went away
                }
                message.accept(new String(payload, StandardCharsets.UTF_8));
            }
        } catch (EOFException ignored) {
            // the sink closed the connection between frames
        }
    }
}
