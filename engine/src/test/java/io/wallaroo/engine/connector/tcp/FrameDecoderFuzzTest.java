package io.wallaroo.engine.connector.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.LengthField;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the TCP source's frame cutter, for every kind of length format: a valid
 * stream split anywhere yields exactly its frames, a stream cut anywhere yields exactly its
 * complete frames, garbage and impossible lengths close that connection without an exception
 * escaping, and a connection next to a broken one is unaffected. The seeds are fixed, so a
 * failure names a reproducible case.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 1000;
    private static final List<String> FORMATS = List.of(">I", "<I", "!I", "=I", "@I", ">i", "<i", ">H", "<H", "<h",
            ">h", "B", "b", ">Q", "<Q", ">q", "<q", ">L", "<l", ">2xH", "<xB", ">xxxB", ">3xI");
    private static final int TRIALS = 40;

    /** Collects what the decoder delivers; counts batches after close (there must be none). */
    private static final class Collector implements Inlet {
        final List<byte[]> frames = new ArrayList<>();
        boolean closed;
        int afterClose;

        @Override
        public void deliver(FrameBatch batch) {
            if (closed) {
                afterClose++;
            }
            int at = 0;
            for (int i = 0; i < batch.count(); i++) {
                frames.add(Arrays.copyOfRange(batch.data(), at, at + batch.lengths()[i]));
                at += batch.lengths()[i];
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private record Stream(byte[] bytes, List<byte[]> payloads, int[] ends) {}

    /** Writes {@code length} into a header the way struct.pack(format, length) would. */
    private static byte[] header(LengthField field, long length) {
        byte[] header = new byte[field.headerLength()];
        for (int i = 0; i < field.width(); i++) {
            int shift = 8 * (field.bigEndian() ? field.width() - 1 - i : i);
            header[field.offset() + i] = (byte) (length >>> shift);
        }
        return header;
    }

    private static long maxFor(LengthField field) {
        int bits = 8 * field.width() - (field.signed() ? 1 : 0);
        return Math.min(MAX_FRAME, bits >= 63 ? Long.MAX_VALUE : (1L << bits) - 1);
    }

    private static Stream validStream(LengthField field, SplittableRandom random, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> payloads = new ArrayList<>();
        int[] ends = new int[frames];
        long max = maxFor(field);
        for (int i = 0; i < frames; i++) {
            int pick = random.nextInt(10);
            int length = (int) (pick == 0 ? 0 : pick == 1 ? max : random.nextLong(Math.min(max, 64) + 1));
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            out.writeBytes(header(field, length));
            out.writeBytes(payload);
            payloads.add(payload);
            ends[i] = out.size();
        }
        return new Stream(out.toByteArray(), payloads, ends);
    }

    private static EmbeddedChannel channel(Framing framing, Collector collector) {
        return new EmbeddedChannel(new FrameDecoder(framing, MAX_FRAME, 3, collector)); // small batches: batch hand-over is exercised too
    }

    /** Writes {@code bytes[from, to)} in random pieces, some of them empty. */
    private static void writeInPieces(EmbeddedChannel ch, byte[] bytes, int from, int to, SplittableRandom random) {
        int at = from;
        while (at < to && ch.isOpen()) {
            int n = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(Math.min(to - at, 1 + random.nextInt(200)));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
    }

    private static void assertSameFrames(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": frame count");
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Arrays.equals(expected.get(i), actual.get(i)), what + ": frame " + i + " differs");
        }
    }

    @Test
    void aValidStreamSplitAnywhereYieldsExactlyItsFrames() {
        for (String format : FORMATS) {
            LengthField field = LengthField.parse(format);
            Framing framing = new Framing(field.headerLength(), field);
            for (int trial = 0; trial < TRIALS; trial++) {
                SplittableRandom random = new SplittableRandom(format.hashCode() * 1000L + trial);
                Stream stream = validStream(field, random, 1 + random.nextInt(30));
                Collector collector = new Collector();
                EmbeddedChannel ch = channel(framing, collector);
                writeInPieces(ch, stream.bytes(), 0, stream.bytes().length, random);
                assertTrue(ch.isOpen(), format + " trial " + trial + ": a valid stream is never refused");
                ch.finishAndReleaseAll();
                ch.checkException();
                assertSameFrames(stream.payloads(), collector.frames, format + " trial " + trial);
                assertTrue(collector.closed);
                assertEquals(0, collector.afterClose);
            }
        }
    }

    @Test
    void aValidStreamCutAnywhereYieldsExactlyItsCompleteFrames() {
        for (String format : FORMATS) {
            LengthField field = LengthField.parse(format);
            Framing framing = new Framing(field.headerLength(), field);
            for (int trial = 0; trial < TRIALS; trial++) {
                SplittableRandom random = new SplittableRandom(format.hashCode() * 7919L + trial);
                Stream stream = validStream(field, random, 1 + random.nextInt(20));
                int cut = random.nextInt(stream.bytes().length + 1);
                Collector collector = new Collector();
                EmbeddedChannel ch = channel(framing, collector);
                writeInPieces(ch, stream.bytes(), 0, cut, random);
                ch.finishAndReleaseAll(); // the peer goes away mid-stream
                ch.checkException();
                int complete = 0;
                while (complete < stream.ends().length && stream.ends()[complete] <= cut) {
                    complete++;
                }
                assertSameFrames(stream.payloads().subList(0, complete), collector.frames,
                        format + " trial " + trial + " cut at " + cut);
            }
        }
    }

    @Test
    void garbageNeverThrowsAndNeverYieldsMoreThanItCouldHold() {
        for (String format : FORMATS) {
            LengthField field = LengthField.parse(format);
            Framing framing = new Framing(field.headerLength(), field);
            for (int trial = 0; trial < TRIALS; trial++) {
                SplittableRandom random = new SplittableRandom(format.hashCode() * 31L + trial);
                byte[] garbage = new byte[random.nextInt(3000)];
                random.nextBytes(garbage);
                Collector collector = new Collector();
                EmbeddedChannel ch = channel(framing, collector);
                writeInPieces(ch, garbage, 0, garbage.length, random);
                ch.finishAndReleaseAll();
                ch.checkException();
                long total = 0;
                for (byte[] frame : collector.frames) {
                    assertTrue(frame.length <= MAX_FRAME);
                    total += field.headerLength() + frame.length;
                }
                assertTrue(total <= garbage.length, format + " trial " + trial);
                assertEquals(0, collector.afterClose);
            }
        }
    }

    @Test
    void lengthsAtTheLimitsAreTakenOrRefusedExactly() {
        for (String format : FORMATS) {
            LengthField field = LengthField.parse(format);
            Framing framing = new Framing(field.headerLength(), field);
            long max = maxFor(field);
            // the largest length the format can carry, and the limit itself, are taken
            Collector atMax = new Collector();
            EmbeddedChannel ok = channel(framing, atMax);
            ok.writeInbound(Unpooled.wrappedBuffer(header(field, max), new byte[(int) max]));
            ok.writeInbound(Unpooled.wrappedBuffer(header(field, 0)));
            assertTrue(ok.isOpen(), format);
            ok.finishAndReleaseAll();
            assertEquals(List.of((int) max, 0), atMax.frames.stream().map(f -> f.length).toList(), format);

            if (max == MAX_FRAME) { // one over the limit closes the connection, after what came before
                Collector over = new Collector();
                EmbeddedChannel refused = channel(framing, over);
                refused.writeInbound(Unpooled.wrappedBuffer(header(field, 1), new byte[] {7}));
                refused.writeInbound(Unpooled.wrappedBuffer(header(field, MAX_FRAME + 1), new byte[MAX_FRAME + 1]));
                assertFalse(refused.isOpen(), format + ": over the limit closes the connection");
                refused.finishAndReleaseAll();
                refused.checkException();
                assertEquals(1, over.frames.size(), format);
            }
            if (field.signed()) { // -1 is refused
                Collector negative = new Collector();
                EmbeddedChannel refused = channel(framing, negative);
                refused.writeInbound(Unpooled.wrappedBuffer(header(field, -1), new byte[8]));
                assertFalse(refused.isOpen(), format + ": a negative length closes the connection");
                refused.finishAndReleaseAll();
                assertEquals(0, negative.frames.size());
            }
        }
        // an unsigned 64-bit length with the top bit set must not wrap to a small number
        LengthField q = LengthField.parse(">Q");
        Collector huge = new Collector();
        EmbeddedChannel refused = channel(new Framing(8, q), huge);
        refused.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5}));
        assertFalse(refused.isOpen());
        refused.finishAndReleaseAll();
        assertEquals(0, huge.frames.size());
    }

    @Test
    void aBrokenConnectionLeavesItsNeighbourAlone() {
        LengthField field = LengthField.parse(">I");
        Framing framing = new Framing(4, field);
        SplittableRandom random = new SplittableRandom(42);
        Stream good = validStream(field, random, 200);
        Collector goodFrames = new Collector();
        EmbeddedChannel goodChannel = channel(framing, goodFrames);
        int at = 0;
        for (int round = 0; round < 50; round++) {
            Collector badFrames = new Collector();
            EmbeddedChannel bad = channel(framing, badFrames);
            byte[] garbage = new byte[1 + random.nextInt(100)];
            random.nextBytes(garbage);
            writeInPieces(bad, garbage, 0, garbage.length, random);
            int next = Math.min(good.bytes().length, at + random.nextInt(good.bytes().length / 40 + 1));
            writeInPieces(goodChannel, good.bytes(), at, next, random);
            at = next;
            bad.finishAndReleaseAll();
        }
        writeInPieces(goodChannel, good.bytes(), at, good.bytes().length, random);
        assertTrue(goodChannel.isOpen());
        goodChannel.finishAndReleaseAll();
        assertSameFrames(good.payloads(), goodFrames.frames, "the good connection");
    }

    @Test
    void aPayloadLengthFunctionThatThrowsClosesOnlyThatConnection() {
        Framing.PayloadLength picky = header -> {
            if (header[0] == 'X') {
                throw new Framing.InvalidHeaderException("the decoder's payload_length(bs) returned 'X'");
            }
            return header[0] - '0';
        };
        Framing framing = new Framing(1, picky);
        Collector collector = new Collector();
        EmbeddedChannel ch = channel(framing, collector);
        ch.writeInbound(Unpooled.wrappedBuffer("2ab1cXzzz3abc".getBytes()));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
        ch.checkException();
        assertEquals(List.of("ab", "c"), collector.frames.stream().map(String::new).toList());
    }
}
