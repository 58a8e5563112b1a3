package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.SinkRecords;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded hostile sink scripts over real sockets: acknowledgements out of range (negative, more
 * than was ever sent), ack frames of the wrong size, unknown frame types, acks before a hello,
 * wrong protocol versions and garbage. Each is closed with an ERROR frame saying why, and an
 * honest script connecting afterwards still gets every record exactly once.
 */
class ExtensionSinkFuzzTest {
    private static final int CHUNKS = 40;
    private static final int PER_CHUNK = 5;

    @Test
    void hostileScriptsAreClosedWithAReasonAndLoseNoOutput() throws Exception {
        ExtensionSink sink = new ExtensionSink("127.0.0.1", 0, 1 << 22, 0);
        sink.start();
        AtomicInteger completed = new AtomicInteger();
        try {
            int port = sink.boundPort();
            for (int c = 0; c < CHUNKS; c++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int i = 0; i < PER_CHUNK; i++) {
                    out.writeBytes(SinkRecords.encode(null, ("r" + (c * PER_CHUNK + i)).getBytes(StandardCharsets.UTF_8)));
                }
                sink.write(new SinkChunk(out.toByteArray(), PER_CHUNK, new Completion(completed::incrementAndGet)));
            }
            SplittableRandom random = new SplittableRandom(2024);
            for (int trial = 0; trial < 24; trial++) {
                try (ScriptClient hostile = new ScriptClient(port)) {
                    byte[] attack = attack(trial % 8, random);
                    hostile.raw(attack);
                    assertNotNull(errorOf(hostile), "trial " + trial + ": no ERROR frame for " + describe(trial % 8));
                }
            }
            List<String> got = new ArrayList<>();
            try (ScriptClient honest = ScriptClient.sink(port, "honest")) {
                while (got.size() < CHUNKS * PER_CHUNK) {
                    ScriptClient.Frame frame = honest.readFrame();
                    assertNotNull(frame, "closed after " + got.size() + " records");
                    assertEquals(ExtensionProtocol.RECORDS, frame.type());
                    got.addAll(ScriptClient.values(frame.body()));
                    honest.ack(got.size());
                }
                assertTrue(sink.drain(5000));
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < CHUNKS * PER_CHUNK; i++) {
                expected.add("r" + i);
            }
            assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList(), "every record exactly once");
            assertEquals(CHUNKS, completed.get());
        } finally {
            sink.close();
        }
    }

    private static String describe(int kind) {
        return List.of("ack beyond what was sent", "negative ack", "ack of the wrong size", "unknown frame type",
                "ack before hello", "wrong version", "garbage with an impossible length", "empty frame").get(kind);
    }

    private static byte[] attack(int kind, SplittableRandom random) {
        byte[] hello = hello(1);
        return switch (kind) {
            case 0 -> join(hello, ack(1_000_000L + random.nextLong(Long.MAX_VALUE - 1_000_000L)));
            case 1 -> join(hello, ack(-1 - random.nextLong(Long.MAX_VALUE)));
            case 2 -> join(hello, frame((byte) ExtensionProtocol.ACK, new byte[random.nextInt(8)]));
            case 3 -> join(hello, frame((byte) (6 + random.nextInt(100)), new byte[random.nextInt(5)]));
            case 4 -> ack(0);
            case 5 -> hello(random.nextInt(2) == 0 ? 0 : 2 + random.nextInt(200));
            case 6 -> {
                byte[] garbage = new byte[4 + random.nextInt(60)];
                random.nextBytes(garbage);
                garbage[0] = (byte) 0xff; // a declared length far over any limit
                yield join(hello, garbage);
            }
            default -> join(hello, new byte[4]);
        };
    }

    /** Reads frames until the ERROR frame; null if the connection ended without one. */
    private static String errorOf(ScriptClient client) throws Exception {
        try {
            ScriptClient.Frame frame;
            while ((frame = client.readFrame()) != null) {
                if (frame.type() == ExtensionProtocol.ERROR) {
                    return frame.text();
                }
            }
        } catch (SocketException reset) {
            return null;
        }
        return null;
    }

    private static byte[] hello(int version) {
        byte[] name = "hostile".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + 5 + name.length).putInt(5 + name.length).put(ExtensionProtocol.HELLO)
                .put((byte) version).put((byte) ExtensionProtocol.ROLE_SINK).putShort((short) name.length).put(name).array();
    }

    private static byte[] ack(long count) {
        return ByteBuffer.allocate(13).putInt(9).put(ExtensionProtocol.ACK).putLong(count).array();
    }

    private static byte[] frame(byte type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).putInt(1 + body.length).put(type).put(body).array();
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
