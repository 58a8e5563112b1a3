package io.wallaroo.python.codesharing;

import com.oracle.truffle.api.instrumentation.TruffleInstrument;

/**
 * A Truffle instrument only because an instrument's environment is the public way for code
 * outside a language to parse a Truffle {@code Source} in a context ({@link SharedCode} says why
 * it must). It observes nothing.
 */
public final class SharedCodeInstrument extends TruffleInstrument {
    @Override
    protected void onCreate(Env env) {
        env.registerService(new SharedCode(env));
    }
}
