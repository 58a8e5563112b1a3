package io.wallaroo.flink.connect;

import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extension source's one split carries the sequences the job holds through checkpoints, and
 * its server listens only once it knows them. (What a script sees after a restore, RESUME and the
 * dropped resends, is FlinkMiniClusterIT's.)
 */
class ExtensionServerSourceTest {
    private static final Map<String, Long> POSITIONS = Map.of("4:text+p0", 41L, "4:text+p1", 7L); // SequenceTracker.positionName

    @Test
    void aSplitSurvivesItsSerializer() throws IOException {
        SimpleVersionedSerializer<ExtensionSplit> serializer = new ExtensionSplit.Serializer();
        ExtensionSplit split = new ExtensionSplit(POSITIONS);
        assertEquals(split, serializer.deserialize(serializer.getVersion(), serializer.serialize(split)));
        assertThrows(IOException.class, () -> serializer.deserialize(2, serializer.serialize(split)),
                "a split from another version is refused, not misread");
    }

    @Test
    void theEnumeratorCheckpointKeepsAPendingSplitOrNone() throws IOException {
        SimpleVersionedSerializer<ExtensionSplit> serializer = source(0).getEnumeratorCheckpointSerializer();
        ExtensionSplit pending = new ExtensionSplit(POSITIONS);
        assertEquals(pending, serializer.deserialize(serializer.getVersion(), serializer.serialize(pending)));
        assertNull(serializer.deserialize(serializer.getVersion(), serializer.serialize(null)));
    }

    @Test
    void theServerListensOnceTheReaderHasItsSplitAndCheckpointsWhatItWasGiven() throws Exception {
        int port = freePort();
        try (SourceReader<FrameChunk, ExtensionSplit> reader = source(port).createReader(null)) {
            reader.start();
            assertTrue(reader.snapshotState(1).isEmpty(), "no split yet, so nothing to checkpoint");
            assertTrue(bindable(port), "the server must not listen before it knows the restored sequences");
            assertFalse(ListeningSources.listening("127.0.0.1", port), "the launcher's readiness must not count it yet");
            reader.addSplits(List.of(new ExtensionSplit(POSITIONS)));
            assertTrue(accepts(port), "listening once the split is there");
            assertTrue(ListeningSources.listening("127.0.0.1", port), "and telling the launcher's readiness so");
            assertEquals(List.of(new ExtensionSplit(POSITIONS)), reader.snapshotState(2),
                    "with no input since, the checkpoint holds the restored sequences");
        }
        assertFalse(ListeningSources.listening("127.0.0.1", port), "closed with the reader");
        // A connection the probe above opened may still be closing for a few milliseconds.
        assertTrue(bindableWithin(port, 2000), "closed with the reader");
    }

    @Test
    void aRestoredReaderGetsItsSplitBeforeItStarts() throws Exception {
        int port = freePort();
        try (SourceReader<FrameChunk, ExtensionSplit> reader = source(port).createReader(null)) {
            reader.addSplits(List.of(new ExtensionSplit(POSITIONS)));
            assertTrue(bindable(port), "not started yet");
            reader.start();
            assertTrue(accepts(port));
        }
    }

    private static ExtensionServerSource source(int port) {
        return new ExtensionServerSource("127.0.0.1", port, "p", 1, 1 << 20, 512);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Whether nothing listens on the port: probed by binding it, as connecting to a free port can connect to itself. */
    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindableWithin(int port, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!bindable(port)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
