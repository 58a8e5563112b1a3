package io.wallaroo.python;

import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;

/**
 * A sink's batch as the runner hands it over: Python {@code bytes}, or a {@code str} that the
 * runner has checked is ASCII (a stream sink's joined text output, {@code LaneRunner._stream_joined}).
 * The JVM encodes ASCII text with a plain copy, where GraalPy's {@code str.encode} runs a
 * {@code CharsetEncoder} and allocates buffers on every call.
 */
public final class SinkData {
    private SinkData() {}

    public static byte[] bytesOf(Value data) {
        if (data.isString()) {
            return data.asString().getBytes(StandardCharsets.US_ASCII);
        }
        return data.as(byte[].class);
    }
}
