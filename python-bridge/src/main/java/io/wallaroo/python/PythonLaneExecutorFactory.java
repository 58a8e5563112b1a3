package io.wallaroo.python;

import io.wallaroo.engine.runtime.EntryLanes;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.LaneExecutorFactory;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.SinkSpec;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;

import java.util.List;

/**
 * Gives every lane its own context with its own copy of the application. Lane 0 reuses the
 * context the application was first loaded in; the others import the module and call
 * {@code application_setup(args)} again, which must describe the same topology.
 */
public final class PythonLaneExecutorFactory implements LaneExecutorFactory {
    private final PythonEngine engine;
    private final LoadedApplication first;
    private final String moduleName;
    private final List<String> args;
    private final boolean spreadInput;

    /** @param spreadInput as {@link io.wallaroo.engine.EngineSettings#spreadInput()}: the runners must agree with the engine */
    public PythonLaneExecutorFactory(PythonEngine engine, LoadedApplication first, String moduleName, List<String> args,
                                     boolean spreadInput) {
        this.engine = engine;
        this.spreadInput = spreadInput;
        this.first = first;
        this.moduleName = moduleName;
        this.args = List.copyOf(args);
    }

    @Override
    public LaneExecutor create(int laneIndex, int laneCount) throws Exception {
        StartupTrace.mark("lane " + laneIndex + ": creating");
        LoadedApplication loaded = laneIndex == 0 ? first : loadAgain();
        Value runner = loaded.bridge().invokeMember("make_runner", loaded.loadResult(), laneIndex, laneCount,
                sinkFormats(first.model()), spreadPipelines(first.model(), laneCount));
        StartupTrace.mark("lane " + laneIndex + ": runner made");
        return new PythonLaneExecutor(laneIndex, loaded.context(), runner);
    }

    private LoadedApplication loadAgain() throws ApplicationLoadException {
        Context context = engine.newContext();
        try {
            LoadedApplication loaded = LoadedApplication.load(context, moduleName, args);
            if (!sameShape(first.model(), loaded.model())) {
                throw new ApplicationLoadException("not-deterministic",
                        "application_setup(args) described a different topology on a second call; it must build the "
                                + "same pipelines every time it is called (each lane calls it once)", "");
            }
            return loaded;
        } catch (ApplicationLoadException | RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    private static boolean sameShape(Application a, Application b) {
        if (a.pipelines().size() != b.pipelines().size()) {
            return false;
        }
        for (int i = 0; i < a.pipelines().size(); i++) {
            var p = a.pipelines().get(i);
            var q = b.pipelines().get(i);
            if (!p.name().equals(q.name()) || !p.steps().equals(q.steps()) || !p.sinks().equals(q.sinks())) {
                return false;
            }
        }
        return a.states().equals(b.states());
    }

    /** The pipelines the engine spreads over lanes batch by batch (their runners route every key). */
    private Object[] spreadPipelines(Application model, int laneCount) {
        return model.pipelines().stream()
                .filter(p -> EntryLanes.spreads(model, p, laneCount, spreadInput))
                .map(p -> (Object) p.id())
                .toArray();
    }

    private static Object[] sinkFormats(Application model) {
        return model.allSinks().stream()
                .map(s -> s.format() == SinkSpec.OutputFormat.STREAM ? "stream" : "records")
                .toArray();
    }
}
