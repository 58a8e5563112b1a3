package io.wallaroo.python;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameLengthsTest {
    @Test
    void packsTheFirstCountSizesAsBigEndianLatin1() {
        int[] sizes = {0, 1, 255, 256, 70_000, 16_777_217, 99};
        String packed = FrameLengths.pack(sizes, 6);
        assertEquals(24, packed.length());
        ByteBuffer bytes = ByteBuffer.wrap(packed.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 6; i++) {
            assertEquals(sizes[i], bytes.getInt(), "size " + i);
        }
    }
}
