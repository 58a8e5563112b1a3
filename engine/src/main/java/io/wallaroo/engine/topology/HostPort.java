package io.wallaroo.engine.topology;

/** A network address as the user wrote it. */
public record HostPort(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** Parses "host:port"; the error names the text so the user can find it. */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (for example 127.0.0.1:7000)");
        }
        try {
            return new HostPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
        }
    }
}
