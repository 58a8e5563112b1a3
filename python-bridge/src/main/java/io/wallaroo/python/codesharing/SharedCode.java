package io.wallaroo.python.codesharing;

import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import com.oracle.truffle.api.source.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes every context of the engine use one copy of each module's code, so that the JIT compiles
 * an application's functions once for all lanes instead of once per lane.
 *
 * <p>GraalPy already asks Truffle's source cache for a module's code when it loads a {@code .pyc}
 * file, with a key that is the same in every context ({@link PycCode}). But on a JVM that cache
 * keeps an entry only while the {@code Source} object that first missed is alive, and GraalPy's
 * own is garbage as soon as the load returns, so a context importing the module after the next
 * collection parses it again and gets call targets of its own. Here an equal {@code Source} is
 * parsed first, through the instrument's environment, and kept for the life of the engine: its
 * entry stays, and GraalPy's loads in every context find it. The import hook that calls
 * {@link #pinPyc} with each {@code .pyc} importlib reads is installed by {@link SharedImports}.
 */
public final class SharedCode {
    /** GraalPy's MIME type for a serialized code unit. */
    static final String BYTECODE_MIME_TYPE = "application/x-python-bytecode";

    private final TruffleInstrument.Env env;
    /** The sources whose entries must live as long as the engine; the value is unused. */
    private final ConcurrentHashMap<Source, Boolean> pinned = new ConcurrentHashMap<>();

    SharedCode(TruffleInstrument.Env env) {
        this.env = env;
    }

    /**
     * Puts the code of a {@code .pyc} file, given as the bytes importlib just read from it, in the
     * source cache, unless it is there already. Called on a thread in a context, before that
     * context's import loads those bytes. Never throws: code it cannot read is just not shared,
     * and the import goes on (GraalPy's own load reports what is wrong with the file, if anything).
     */
    public boolean pinPyc(Value pyc) {
        try {
            return pin(PycCode.fromPyc(bytesOf(pyc)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The same for a module just compiled from source, given as {@code marshal.dumps(code)}: the
     * context then loads that instead of its own code object, so a first launch after a change
     * shares too, and other contexts find the same code in the {@code .pyc} file written from it.
     */
    public boolean pinMarshalled(Value marshalled) {
        try {
            return pin(PycCode.fromMarshalled(bytesOf(marshalled)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A Python {@code bytes} object's contents, copied in one piece. */
    private static byte[] bytesOf(Value buffer) {
        byte[] bytes = new byte[Math.toIntExact(buffer.getBufferSize())];
        buffer.readBuffer(0, bytes, 0, bytes.length);
        return bytes;
    }

    private boolean pin(Optional<PycCode> code) {
        if (code.isEmpty()) {
            return false;
        }
        Source source = Source.newBuilder("python", ByteSequence.create(code.get().loadBytes()), code.get().filename())
                .mimeType(BYTECODE_MIME_TYPE)
                .cached(true)
                .build();
        // Parsed inside computeIfAbsent, so a context pinning the same code at the same time
        // waits for the entry instead of letting its own load get in first.
        pinned.computeIfAbsent(source, s -> {
            try {
                env.parse(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Boolean.TRUE;
        });
        return true;
    }

    /** How many modules' code is shared. */
    public int pinnedCount() {
        return pinned.size();
    }
}
