package io.wallaroo.engine.connector.extension;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wallaroo.engine.EngineSettings;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the source side of the extension protocol: a valid script stream cut
 * anywhere yields exactly the messages it completed (less the resent sequences); random,
 * truncated and mutated frames (wrong versions, unknown flags, negative sequences, partitions
 * longer than their frame, impossible lengths) never let an exception escape: the connection is
 * either still usable or closed with an ERROR frame saying why, and a neighbouring connection
 * loses nothing. The seeds are fixed, so a failure names a reproducible case.
 */
class ExtensionProtocolFuzzTest {
    private static final int MAX_PAYLOAD = 256;
    private static final int TRIALS = 300;

    private record Message(String payload, String partition, long sequence) {}

    private record Script(byte[] bytes, List<Message> messages, int helloEnd, int[] ends) {}

    private static final class Server {
        final CollectingContext context = new CollectingContext(
                EngineSettings.defaults(1).withBatchMessages(3).withMaxFrameBytes(MAX_PAYLOAD));
        final SequenceTracker sequences = new SequenceTracker();
        final Map<String, StreamInlets> streams = new HashMap<>();

        EmbeddedChannel connect() {
            return new EmbeddedChannel(new SourceScriptConnection(
                    name -> streams.computeIfAbsent(name, s -> new StreamInlets(context, "stream " + s, 1)),
                    sequences, "fuzz", context.settings()));
        }
    }

    private static byte[] hello(int version, int role, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + 5 + n.length).putInt(5 + n.length).put((byte) 1).put((byte) version)
                .put((byte) role).putShort((short) n.length).put(n).array();
    }

    private static Script script(String stream, SplittableRandom random, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hello(1, ExtensionProtocol.ROLE_SOURCE, stream));
        int helloEnd = out.size();
        List<Message> messages = new ArrayList<>();
        int[] ends = new int[count];
        long sequence = 0;
        for (int i = 0; i < count; i++) {
            String partition = random.nextInt(4) == 0 ? null : "p" + random.nextInt(3);
            long seq = -1;
            if (random.nextInt(3) > 0) {
                sequence += random.nextInt(4) == 0 ? -random.nextInt(3) : 1 + random.nextInt(2); // some resends
                seq = Math.max(0, sequence);
            }
            StringBuilder payload = new StringBuilder(stream).append('#').append(i).append(':');
            int extra = random.nextInt(8) == 0 ? MAX_PAYLOAD - payload.length() : random.nextInt(20);
            for (int c = 0; c < extra; c++) {
                payload.append((char) ('a' + random.nextInt(26)));
            }
            Message message = new Message(payload.toString(), partition, seq);
            messages.add(message);
            out.writeBytes(ScriptClient.messageFrame(message.payload(), partition, seq));
            ends[i] = out.size();
        }
        return new Script(out.toByteArray(), messages, helloEnd, ends);
    }

    /** The payloads the engine must take from the first {@code complete} messages. */
    private static List<String> accepted(String stream, List<Message> messages, int complete) {
        SequenceTracker model = new SequenceTracker();
        List<String> taken = new ArrayList<>();
        for (Message m : messages.subList(0, complete)) {
            if (m.sequence() < 0 || model.accept(stream, m.partition(), m.sequence())) {
                taken.add(m.payload());
            }
        }
        return taken;
    }

    private static void writeInPieces(EmbeddedChannel ch, byte[] bytes, int from, int to, SplittableRandom random) {
        int at = from;
        while (at < to && ch.isOpen()) {
            int n = Math.min(to - at, random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(120));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
    }

    private static List<String> of(List<String> all, String stream) {
        return all.stream().filter(m -> m.startsWith(stream + "#")).toList();
    }

    /** The ERROR frame the engine wrote before closing, or null. */
    private static String errorFrame(EmbeddedChannel ch) {
        ByteBuf out;
        String reason = null;
        while ((out = ch.readOutbound()) != null) {
            try {
                int length = out.readInt();
                if (out.readByte() == ExtensionProtocol.ERROR) {
                    reason = out.readCharSequence(length - 1, StandardCharsets.UTF_8).toString();
                }
            } finally {
                out.release();
            }
        }
        return reason;
    }

    @Test
    void aValidStreamCutAnywhereYieldsExactlyTheMessagesItCompleted() {
        Server server = new Server();
        for (int trial = 0; trial < TRIALS; trial++) {
            SplittableRandom random = new SplittableRandom(1000 + trial);
            String stream = "s" + trial;
            Script script = script(stream, random, 1 + random.nextInt(25));
            int cut = random.nextInt(script.bytes().length + 1);
            EmbeddedChannel ch = server.connect();
            writeInPieces(ch, script.bytes(), 0, cut, random);
            assertTrue(ch.isOpen(), "trial " + trial + ": a valid prefix is never refused");
            ch.finishAndReleaseAll();
            ch.checkException();
            int complete = 0;
            while (cut >= script.helloEnd() && complete < script.ends().length && script.ends()[complete] <= cut) {
                complete++;
            }
            assertEquals(accepted(stream, script.messages(), complete), of(server.context.messages, stream),
                    "trial " + trial + " cut at " + cut + " of " + script.bytes().length);
        }
    }

    @Test
    void mutatedAndRandomFramesCloseWithAReasonAndNeverThrow() {
        Server server = new Server();
        SplittableRandom neighbourRandom = new SplittableRandom(7);
        Script neighbour = script("neighbour", neighbourRandom, 400);
        EmbeddedChannel steady = server.connect();
        int steadyAt = 0;
        int refused = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            SplittableRandom random = new SplittableRandom(5000 + trial);
            byte[] bytes = mutate(script("m" + trial, random, 1 + random.nextInt(10)).bytes(), random);
            EmbeddedChannel ch = server.connect();
            writeInPieces(ch, bytes, 0, bytes.length, random);
            ch.checkException();
            boolean closedByEngine = !ch.isOpen();
            String reason = errorFrame(ch);
            if (closedByEngine) {
                refused++;
                assertNotNull(reason, "trial " + trial + ": closed without an ERROR frame, so something other than a"
                        + " protocol check closed it");
                assertFalse(reason.isBlank());
            }
            ch.finishAndReleaseAll();
            ch.checkException();
            int next = Math.min(neighbour.bytes().length, steadyAt + neighbour.bytes().length / TRIALS + 1);
            writeInPieces(steady, neighbour.bytes(), steadyAt, next, random);
            steadyAt = next;
        }
        writeInPieces(steady, neighbour.bytes(), steadyAt, neighbour.bytes().length, neighbourRandom);
        assertTrue(steady.isOpen());
        steady.finishAndReleaseAll();
        assertEquals(accepted("neighbour", neighbour.messages(), neighbour.messages().size()),
                of(server.context.messages, "neighbour"), "the neighbour loses nothing");
        assertTrue(refused > TRIALS / 4, "the mutations should break most connections: " + refused);
    }

    /** One or a few damaging edits of a valid script stream. */
    private static byte[] mutate(byte[] valid, SplittableRandom random) {
        byte[] b = valid.clone();
        switch (random.nextInt(9)) {
            case 0 -> { // random bytes
                b = new byte[1 + random.nextInt(200)];
                random.nextBytes(b);
            }
            case 1 -> b[5] = (byte) (random.nextInt(2) == 0 ? 0 : 2 + random.nextInt(250)); // wrong protocol version
            case 2 -> b[6] = (byte) ExtensionProtocol.ROLE_SINK; // wrong role
            case 3 -> { // truncated somewhere, then a complete message that must not be misread
                int cut = random.nextInt(b.length);
                byte[] tail = ScriptClient.messageFrame("x", null, -1);
                byte[] joined = new byte[cut + tail.length];
                System.arraycopy(b, 0, joined, 0, cut);
                System.arraycopy(tail, 0, joined, cut, tail.length);
                b = joined;
            }
            case 4 -> b = append(b, frame((byte) 2, new byte[] {(byte) (4 + random.nextInt(252))})); // unknown flags
            case 5 -> b = append(b, frame((byte) 2, ByteBuffer.allocate(9).put((byte) 2)
                    .putLong(Long.MIN_VALUE + random.nextInt(1000)).array())); // negative sequence
            case 6 -> b = append(b, frame((byte) 2, ByteBuffer.allocate(5).put((byte) 1)
                    .putShort((short) (3 + random.nextInt(60000))).put((byte) 'p').put((byte) 'q').array())); // partition past the end
            case 7 -> b = append(b, ByteBuffer.allocate(4).putInt(random.nextInt(3) == 0 ? 0 : -1 - random.nextInt(1000)).array()); // impossible length
            default -> { // flip a few bytes anywhere
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
        }
        return b;
    }

    private static byte[] frame(byte type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).putInt(1 + body.length).put(type).put(body).array();
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    @Test
    void eachProtocolViolationNamesItself() {
        Server server = new Server();
        Map<String, byte[]> cases = new HashMap<>();
        cases.put("version 2", hello(2, ExtensionProtocol.ROLE_SOURCE, "v"));
        cases.put("sink script", hello(1, ExtensionProtocol.ROLE_SINK, "v"));
        byte[] ok = hello(1, ExtensionProtocol.ROLE_SOURCE, "v");
        cases.put("unknown flags", append(ok, frame((byte) 2, new byte[] {8})));
        cases.put("negative sequence", append(ok, frame((byte) 2, ByteBuffer.allocate(9).put((byte) 2).putLong(-5).array())));
        cases.put("partition declares 9 bytes", append(ok, frame((byte) 2, new byte[] {1, 0, 9, 'a'})));
        cases.put("ends where its sequence should be", append(ok, frame((byte) 2, new byte[] {2, 0, 0})));
        cases.put("unknown frame type 9", append(ok, frame((byte) 9, new byte[0])));
        cases.put("over the limit", append(ok, ScriptClient.messageFrame("y".repeat(MAX_PAYLOAD + 1), null, -1)));
        cases.put("at least its type byte", append(ok, new byte[] {0, 0, 0, 0}));
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            EmbeddedChannel ch = server.connect();
            ch.writeInbound(Unpooled.wrappedBuffer(c.getValue()));
            assertFalse(ch.isOpen(), c.getKey());
            String reason = errorFrame(ch);
            assertNotNull(reason, c.getKey());
            assertTrue(reason.contains(c.getKey()), c.getKey() + ": " + reason);
            ch.finishAndReleaseAll();
            ch.checkException();
        }
        assertTrue(server.context.messages.isEmpty());
    }
}
