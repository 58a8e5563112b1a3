package io.wallaroo.python.codesharing;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The module code in a {@code .pyc} file that GraalPy 25 wrote, as GraalPy's {@code marshal.loads}
 * hands it to Truffle: the file name recorded in it and the serialized code unit followed by the
 * load's number. GraalPy numbers every load of a file name within a context, starting at 1, so
 * the first load of a module in any context has the same bytes, and Truffle's source cache can
 * give every context the same call target for it ({@link SharedCode}).
 *
 * <p>The layout (GraalPy's {@code MarshalModuleBuiltins}): a 16-byte header as in CPython (only in
 * files), then the type byte {@code 'C'} (with the reference flag 0x80 or not), the file name as a little-endian
 * int length and UTF-8 bytes, the flags as an int, the code unit as an int length and its bytes;
 * line numbers follow. Anything else, such as a name that needed UTF-32, reads as empty: that
 * module is simply not shared.
 */
public record PycCode(String filename, byte[] loadBytes) {
    /** Bytes before the code in a {@code .pyc} file. */
    public static final int PYC_HEADER = 16;
    private static final int CODE_TYPE = 'C';
    private static final int REFERENCE_FLAG = 0x80;
    /** The number GraalPy gives a context's first load of a file name. */
    static final long FIRST_LOAD = 1L;

    /** The code in a {@code .pyc} file's bytes. */
    public static Optional<PycCode> fromPyc(byte[] pyc) {
        return read(pyc, PYC_HEADER);
    }

    /** The code in what GraalPy's {@code marshal.dumps(code)} returned. */
    public static Optional<PycCode> fromMarshalled(byte[] marshalled) {
        return read(marshalled, 0);
    }

    private static Optional<PycCode> read(byte[] bytes, int offset) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            in.position(offset);
            if ((in.get() & ~REFERENCE_FLAG & 0xff) != CODE_TYPE) {
                return Optional.empty();
            }
            int nameLength = in.getInt();
            if (nameLength < 0 || nameLength > in.remaining()) {
                return Optional.empty();
            }
            byte[] name = new byte[nameLength];
            in.get(name);
            in.getInt(); // code flags
            int codeLength = in.getInt();
            if (codeLength < 0 || codeLength > in.remaining()) {
                return Optional.empty();
            }
            byte[] load = new byte[codeLength + Long.BYTES];
            in.get(load, 0, codeLength);
            // GraalPy appends the load number big-endian (ByteBuffer's default order).
            ByteBuffer.wrap(load).putLong(codeLength, FIRST_LOAD);
            return Optional.of(new PycCode(new String(name, StandardCharsets.UTF_8), load));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
