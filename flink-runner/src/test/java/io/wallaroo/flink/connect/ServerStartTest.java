package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.tcp.CannotListenException;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server source's reader, here the extension source's, against a taken address: held by
 * another process it fails the job without restarts; freed within the retry window (a previous
 * attempt's socket closing) it binds.
 */
class ServerStartTest {
    @Test
    void anAddressHeldByAnotherProcessFailsWithoutRestartsAndNamesTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SourceReader<FrameChunk, ExtensionSplit> reader = reader(taken.getLocalPort())) {
            reader.start();
            long started = System.nanoTime();
            SuppressRestartsException e = assertThrows(SuppressRestartsException.class,
                    () -> reader.addSplits(List.of(new ExtensionSplit(Map.of()))));
            assertTrue(System.nanoTime() - started >= 2_500_000_000L, "retried for about 3 s before giving up");
            CannotListenException cause = assertInstanceOf(CannotListenException.class, e.getCause());
            assertTrue(cause.getMessage().contains("Give SourceExtensionConfig a free one"), cause.getMessage());
        }
    }

    @Test
    void anAddressFreedWithinTheRetryWindowIsTaken() throws Exception {
        ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = closing.getLocalPort();
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(700);
                closing.close();
            } catch (Exception ignored) {
                // the test below fails if the port is never freed
            }
        });
        release.start();
        try (SourceReader<FrameChunk, ExtensionSplit> reader = reader(port)) {
            reader.start();
            reader.addSplits(List.of(new ExtensionSplit(Map.of())));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                assertTrue(s.isConnected());
            }
        }
        release.join();
    }

    private static SourceReader<FrameChunk, ExtensionSplit> reader(int port) {
        return new ExtensionServerSource("127.0.0.1", port, "p", 1, 1 << 20, 512).createReader(null);
    }
}
