package io.wallaroo.python.codesharing;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Instrument;
import org.graalvm.polyglot.Source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Installs, in each context of one engine, the import hook through which modules share their code
 * between contexts ({@link SharedCode}): a module loaded from a {@code .pyc} file is pinned as
 * soon as importlib has read the file, before it loads it, and one compiled from source is pinned as {@code marshal.dumps} gives it and
 * loaded from those bytes, which are also what importlib then writes to the {@code .pyc} file.
 */
public final class SharedImports {
    /** {@code WALLAROO_SHARE_CODE=off} turns sharing off (to measure what it saves, or to rule it out). */
    public static final String SWITCH = "WALLAROO_SHARE_CODE";

    /** One Source for every context, so the hook's own code is shared too. */
    private static final Source HOOK = hookSource();

    private final SharedCode sharedCode;

    private SharedImports(SharedCode sharedCode) {
        this.sharedCode = sharedCode;
    }

    /** What {@link #lookUp} found: the hook, or why there is none. */
    public record Lookup(Optional<SharedImports> hook, String status) {
    }

    /** The hook for contexts of {@code engine}, or why there is none: switched off, or the instrument is missing. */
    public static Lookup lookUp(Engine engine) {
        if ("off".equals(System.getenv(SWITCH))) {
            return new Lookup(Optional.empty(), "off (" + SWITCH + "=off)");
        }
        Instrument instrument = engine.getInstruments().get(SharedCodeInstrumentProvider.ID);
        if (instrument == null) {
            // Truffle looks for instruments through its own class loader and the thread's context
            // class loader; a deployment that loads these classes elsewhere (a Flink job jar opened
            // on a thread with another context class loader) leaves it out.
            return new Lookup(Optional.empty(), "off (Truffle does not see the " + SharedCodeInstrumentProvider.ID
                    + " instrument from the class loaders it searches)");
        }
        try {
            SharedCode service = instrument.lookup(SharedCode.class);
            return service == null
                    ? new Lookup(Optional.empty(), "off (the " + SharedCodeInstrumentProvider.ID + " instrument offers no service)")
                    : new Lookup(Optional.of(new SharedImports(service)), "on");
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Lookup(Optional.empty(), "off (the instrument's classes came from another class loader than ours: "
                    + e.getMessage() + ")");
        }
    }

    /** Installs the hook; call before the context imports anything of its own. */
    public void install(Context context) {
        context.eval(HOOK).execute(sharedCode);
    }

    /** How many modules' code is shared so far. */
    public int sharedModules() {
        return sharedCode.pinnedCount();
    }

    private static Source hookSource() {
        try (InputStream in = SharedImports.class.getResourceAsStream("shared_imports.py")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Source.newBuilder("python", text, "<wallaroo shared imports>").cached(true).internal(true).buildLiteral();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
