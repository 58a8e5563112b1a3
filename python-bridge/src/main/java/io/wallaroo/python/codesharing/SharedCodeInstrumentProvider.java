package io.wallaroo.python.codesharing;

import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import com.oracle.truffle.api.instrumentation.provider.TruffleInstrumentProvider;

import java.util.Collection;
import java.util.List;

/**
 * How Truffle finds {@link SharedCodeInstrument} (listed in META-INF/services). Truffle's own
 * annotation processor would generate this class; written by hand, it keeps that processor out of
 * the build.
 */
@TruffleInstrument.Registration(id = SharedCodeInstrumentProvider.ID, name = "Wallaroo shared module code",
        services = SharedCode.class)
public final class SharedCodeInstrumentProvider extends TruffleInstrumentProvider {
    public static final String ID = "wallaroo-shared-code";

    @Override
    protected String getInstrumentClassName() {
        return SharedCodeInstrument.class.getName();
    }

    @Override
    protected Object create() {
        return new SharedCodeInstrument();
    }

    @Override
    protected Collection<String> getServicesClassNames() {
        return List.of(SharedCode.class.getName());
    }
}
