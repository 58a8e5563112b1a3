package io.wallaroo.flink.cli;

import io.wallaroo.engine.topology.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * GET requests to a session cluster's REST endpoint over plain HTTP.
 *
 * <p>This is {@link HttpURLConnection} on purpose: {@code java.net.http.HttpClient} sets up the
 * JVM's default TLS context when it is built, even for {@code http://}, and on the launcher's module
 * path that loads every security provider there is, BouncyCastle's post-quantum keys included.
 * That took about a second of a {@code --jobmanager} launch before the job was submitted.
 */
final class JobManagerRest {
    /** An answer: the HTTP status and the body. */
    record Answer(int status, String body) {}

    private final HostPort jobManager;

    JobManagerRest(HostPort jobManager) {
        this.jobManager = jobManager;
    }

    Answer get(String path, int timeoutMillis) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + jobManager + path).toURL().openConnection();
        c.setConnectTimeout(Math.min(timeoutMillis, 5_000));
        c.setReadTimeout(timeoutMillis);
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }
}
