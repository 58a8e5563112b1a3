package io.wallaroo.engine.topology;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthFieldTest {

    private static long read(String format, int... header) {
        byte[] bytes = new byte[header.length];
        for (int i = 0; i < header.length; i++) {
            bytes[i] = (byte) header[i];
        }
        return LengthField.parse(format).payloadLength(bytes);
    }

    @Test
    void readsTheCommonFormats() {
        assertEquals(258, read(">I", 0, 0, 1, 2));
        assertEquals(258, read("!L", 0, 0, 1, 2));
        assertEquals(0x0201, read("<I", 1, 2, 0, 0));
        assertEquals(0xfffe, read(">H", 0xff, 0xfe));
        assertEquals(-2, read(">h", 0xff, 0xfe));
        assertEquals(200, read("B", 200));
        assertEquals(-56, read("b", 200));
        assertEquals(1L << 40, read(">Q", 0, 0, 1, 0, 0, 0, 0, 0));
        assertEquals(7, read("<q", 7, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void skipsPadBytes() {
        LengthField field = LengthField.parse(">2xH");
        assertEquals(4, field.headerLength());
        assertEquals(2, field.offset());
        assertEquals(0x0102, read(">2xH", 9, 9, 1, 2));
    }

    @Test
    void nativeFormatsUseNativeSizes() {
        assertEquals(8, LengthField.parse("L").headerLength());
        assertEquals(4, LengthField.parse("=L").headerLength());
    }

    @Test
    void rejectsFormatsThatCannotFrame() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LengthField.parse(">II")).getMessage()
                .contains("exactly one integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LengthField.parse(">f")).getMessage()
                .contains("not an integer format"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LengthField.parse(">4x")).getMessage()
                .contains("holds no integer"));
    }

    @Test
    void framingChecksTheDeclaredHeaderLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Framing.of(4, ">H"));
        assertTrue(e.getMessage().contains("header_length=4"), e.getMessage());
    }
}
