package io.wallaroo.engine.connector.tcp;

/**
 * A server could not bind its address. Its own type so that callers which must treat a taken
 * address differently from other start-up failures (a Flink task that should not restart into the
 * same conflict) can tell it apart without reading the message.
 */
public final class CannotListenException extends IllegalStateException {
    CannotListenException(String message, Throwable cause) {
        super(message, cause);
    }
}
