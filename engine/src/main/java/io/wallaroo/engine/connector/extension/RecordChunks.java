package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.connector.SinkChunk;

import java.util.Arrays;

/**
 * Walks chunks in the RECORDS layout ({@link io.wallaroo.engine.connector.SinkRecords}) by their
 * length fields only, to count records and to cut off the ones a script already acknowledged.
 */
final class RecordChunks {
    private RecordChunks() {}

    /** How many records {@code chunk} holds; throws when the layout is broken. */
    static int count(byte[] chunk) {
        int records = 0;
        int at = 0;
        while (at < chunk.length) {
            at = skipRecord(chunk, at);
            records++;
        }
        return records;
    }

    /** The chunk without its first {@code records} records, with the same completion. */
    static SinkChunk dropFirst(SinkChunk chunk, int records) {
        int at = 0;
        for (int i = 0; i < records; i++) {
            at = skipRecord(chunk.bytes(), at);
        }
        return new SinkChunk(Arrays.copyOfRange(chunk.bytes(), at, chunk.bytes().length),
                chunk.messages() - records, chunk.completion());
    }

    private static int skipRecord(byte[] chunk, int at) {
        int keyLength = intAt(chunk, at);
        at += 4 + Math.max(keyLength, 0);
        int valueLength = intAt(chunk, at);
        if (valueLength < 0) {
            throw new IllegalArgumentException("a record has a negative value length " + valueLength);
        }
        at += 4 + valueLength;
        if (at > chunk.length) {
            throw new IllegalArgumentException("a record runs past the end of its chunk");
        }
        return at;
    }

    private static int intAt(byte[] b, int at) {
        if (at < 0 || at + 4 > b.length) {
            throw new IllegalArgumentException("a record chunk ends inside a length field");
        }
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
