package io.wallaroo.python;

import io.wallaroo.engine.topology.Application;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

/** An application loaded into one context: the Python side ({@code load} result) and its engine model. */
public record LoadedApplication(Context context, Value loadResult, Value bridge, Application model) {

    /** Imports the module, calls {@code application_setup(args)} and translates the result. */
    public static LoadedApplication load(Context context, String moduleName, java.util.List<String> args)
            throws ApplicationLoadException {
        if (StartupTrace.on()) {
            context.initialize("python");
            StartupTrace.mark("context initialized (site imported)");
        }
        Value bridge = context.eval("python", "import wallaroo._bridge as b\nb");
        StartupTrace.mark("wallaroo._bridge imported");
        Value result = bridge.invokeMember("load", moduleName, args.toArray(new Object[0]));
        StartupTrace.mark("application module imported and set up");
        String kind = result.getMember("kind").asString();
        if (!"ok".equals(kind)) {
            throw new ApplicationLoadException(kind, result.getMember("message").asString(),
                    result.getMember("trace").asString());
        }
        Value description = bridge.invokeMember("describe", result.getMember("app"));
        Application model;
        try {
            model = TopologyTranslator.translate(description, pipeline -> payloadLength(context, bridge, result, pipeline));
        } catch (IllegalArgumentException e) {
            throw new ApplicationLoadException("invalid-topology", e.getMessage(), "");
        }
        StartupTrace.mark("topology translated");
        return new LoadedApplication(context, result, bridge, model);
    }

    private static PythonPayloadLength payloadLength(Context context, Value bridge, Value result, int pipeline) {
        return new PythonPayloadLength(context, bridge.invokeMember("payload_length_of", result.getMember("app"), pipeline));
    }
}
