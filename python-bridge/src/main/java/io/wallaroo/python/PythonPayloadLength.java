package io.wallaroo.python;

import io.wallaroo.engine.topology.Framing;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;

/**
 * A classic decoder's {@code payload_length(bs)} called from the network thread, for the rare
 * decoder whose header is not a plain struct format. Calls are serialized on the context.
 */
final class PythonPayloadLength implements Framing.PayloadLength {
    private final Context context;
    private final Value function;
    private final Value toBytes;

    PythonPayloadLength(Context context, Value function) {
        this.context = context;
        this.function = function;
        this.toBytes = context.eval("python", "lambda s: s.encode('latin-1')");
    }

    @Override
    public long payloadLength(byte[] header) {
        synchronized (context) {
            try {
                return function.execute(toBytes.execute(new String(header, StandardCharsets.ISO_8859_1))).asLong();
            } catch (RuntimeException e) {
                return -1; // the framer reports an invalid header and closes that connection
            }
        }
    }
}
