package io.wallaroo.engine.connector.extension;

/** A script broke the wire format; the message says how, for the log and the ERROR frame. */
final class ProtocolException extends Exception {
    ProtocolException(String reason) {
        super(reason, null, false, false);
    }
}
