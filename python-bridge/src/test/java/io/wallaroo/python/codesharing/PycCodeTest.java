package io.wallaroo.python.codesharing;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading GraalPy's marshalled module code; SharedImportsTest reads files GraalPy itself wrote. */
class PycCodeTest {
    private static final byte[] CODE = {7, 1, 2, 3, 42};

    @Test
    void readsTheFileNameAndAppendsTheFirstLoadsNumber() {
        PycCode code = PycCode.fromPyc(pyc('C' | 0x80, "/app/word_count.py", CODE)).orElseThrow();
        assertEquals("/app/word_count.py", code.filename());
        byte[] expected = Arrays.copyOf(CODE, CODE.length + Long.BYTES);
        expected[expected.length - 1] = 1; // the long 1, big-endian
        assertArrayEquals(expected, code.loadBytes());
    }

    @Test
    void marshalledCodeHasNoHeader() {
        byte[] file = pyc('C', "/app/a.py", CODE);
        byte[] marshalled = Arrays.copyOfRange(file, PycCode.PYC_HEADER, file.length);
        assertEquals(PycCode.fromPyc(file).orElseThrow().filename(), PycCode.fromMarshalled(marshalled).orElseThrow().filename());
        assertArrayEquals(PycCode.fromPyc(file).orElseThrow().loadBytes(), PycCode.fromMarshalled(marshalled).orElseThrow().loadBytes());
    }

    @Test
    void anythingElseIsNotShared() {
        assertEquals(Optional.empty(), PycCode.fromPyc(pyc('c', "/app/a.py", CODE)), "CPython's code type");
        byte[] whole = pyc('C', "/app/a.py", CODE);
        int codeEnd = whole.length - 2 * Integer.BYTES; // the line number and table follow the code
        for (int length = 0; length < codeEnd; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertTrue(PycCode.fromPyc(cut).isEmpty(), "read a file cut at " + length + " of " + whole.length);
        }
        byte[] negative = pyc('C', "/app/a.py", CODE);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(PycCode.PYC_HEADER + 1, -1);
        assertEquals(Optional.empty(), PycCode.fromPyc(negative), "a UTF-32 name");
    }

    /** A .pyc laid out as GraalPy writes one: header, type, name, flags, code, line table. */
    private static byte[] pyc(int type, String filename, byte[] code) {
        byte[] name = filename.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[PycCode.PYC_HEADER]);
        out.write(type);
        out.writeBytes(littleEndian(name.length));
        out.writeBytes(name);
        out.writeBytes(littleEndian(0x2000));
        out.writeBytes(littleEndian(code.length));
        out.writeBytes(code);
        out.writeBytes(littleEndian(1)); // first line
        out.writeBytes(littleEndian(0)); // empty line table
        return out.toByteArray();
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
