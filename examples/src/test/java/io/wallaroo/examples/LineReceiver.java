package io.wallaroo.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/** A TCP receiver for a sink that writes text lines; accepts reconnections. */
public final class LineReceiver extends MessageReceiver {
    public LineReceiver(int port) throws IOException {
        super(port, "line");
    }

    @Override
    protected void readMessages(InputStream stream, Consumer<String> message) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            message.accept(line);
        }
    }

    /** Every line so far. */
    public List<String> lines() {
        return messages();
    }
}
