package io.wallaroo.monitor;

/** The monitor cannot start; the message names the flag and what to change. */
public final class MonitorException extends RuntimeException {
    public MonitorException(String message) {
        super(message);
    }

    public MonitorException(String message, Throwable cause) {
        super(message, cause);
    }
}
