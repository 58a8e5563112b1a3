package io.wallaroo.python;

import io.wallaroo.engine.topology.Framing;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;

/**
 * A classic decoder's {@code payload_length(bs)} called from the network thread, for the rare
 * decoder whose header is not a plain struct format. Calls are serialized on the context.
 *
 * <p>The function is wrapped in Python ({@code wallaroo._bridge.checked_payload_length}) so that
 * a raise, a non-int, a negative or an impossible length comes back as one sentence naming the
 * decoder and the fix; it is thrown as {@link Framing.InvalidHeaderException}, and the framer
 * closes that connection with it as the reason: once a length is wrong, where the next frame
 * starts is unknown, so no later byte of that stream can be trusted.
 */
final class PythonPayloadLength implements Framing.PayloadLength {
    private final Context context;
    private final Value function;

    /** {@code function} takes the header as a latin-1 str, as the bridge's wrapper expects. */
    PythonPayloadLength(Context context, Value function) {
        this.context = context;
        this.function = function;
    }

    @Override
    public long payloadLength(byte[] header) {
        synchronized (context) {
            try {
                return function.execute(new String(header, StandardCharsets.ISO_8859_1)).asLong();
            } catch (PolyglotException e) {
                throw new Framing.InvalidHeaderException(e.getMessage().replaceFirst("^ValueError: ", ""));
            } catch (RuntimeException e) {
                throw new Framing.InvalidHeaderException("the decoder's payload_length(bs) failed: " + e);
            }
        }
    }
}
