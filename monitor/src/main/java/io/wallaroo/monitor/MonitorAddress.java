package io.wallaroo.monitor;

import java.net.InetSocketAddress;

/** The {@code --monitor HOST:PORT} value, checked before anything binds. */
public record MonitorAddress(String host, int port) {

    public static MonitorAddress parse(String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new MonitorException("--monitor " + value + ": expected HOST:PORT, for example --monitor 127.0.0.1:9090");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new MonitorException("--monitor " + value + ": the port is not a number; expected HOST:PORT");
        }
        if (port < 0 || port > 65535) {
            throw new MonitorException("--monitor " + value + ": the port must be between 0 and 65535");
        }
        return new MonitorAddress(host, port);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
