package io.wallaroo.python;

import java.nio.charset.StandardCharsets;

/**
 * A batch's message sizes as the runner's {@code frames} takes them from Java: a latin-1 string
 * of 4-byte big-endian sizes. Python reads a host {@code int[]} with a round trip through its
 * global interpreter lock for every element (a fifth of the lane's allocations in a profile of
 * word count); a string crosses as one value and is unpacked with one {@code struct} call.
 */
public final class FrameLengths {
    private FrameLengths() {}

    public static String pack(int[] lengths, int count) {
        byte[] packed = new byte[count * 4];
        for (int i = 0, at = 0; i < count; i++, at += 4) {
            int n = lengths[i];
            packed[at] = (byte) (n >>> 24);
            packed[at + 1] = (byte) (n >>> 16);
            packed[at + 2] = (byte) (n >>> 8);
            packed[at + 3] = (byte) n;
        }
        return new String(packed, StandardCharsets.ISO_8859_1);
    }
}
