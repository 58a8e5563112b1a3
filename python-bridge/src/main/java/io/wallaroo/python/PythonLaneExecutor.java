package io.wallaroo.python;

import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.LaneOutput;
import io.wallaroo.engine.runtime.RoutedBatch;
import io.wallaroo.engine.runtime.StepFailure;
import io.wallaroo.engine.snapshot.EntityBytes;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One lane's Python: a context holding the application and a {@code wallaroo._runner.LaneRunner}.
 * Each batch is one call into Python; bytes go in as a latin-1 string (a single copy, decoded to
 * {@code bytes} inside Python) and come out as Python {@code bytes} or ASCII text
 * ({@link SinkData}). Messages for other lanes come out packed as one {@code str}
 * ({@code wallaroo._crossing}), which Java passes on as a String.
 */
final class PythonLaneExecutor implements LaneExecutor {
    private static final Logger LOG = LoggerFactory.getLogger("wallaroo.python");

    private final int lane;
    private final Context context;
    private final Value frames;
    private final Value routed;
    private final Value runner;
    private Value snapshots;   // wallaroo._snapshot, imported when first needed

    PythonLaneExecutor(int lane, Context context, Value runner) {
        this.lane = lane;
        this.context = context;
        this.runner = runner;
        this.frames = runner.getMember("frames_spread");
        this.routed = runner.getMember("routed");
    }

    private Value snapshots() {
        if (snapshots == null) {
            snapshots = context.eval("python", "__import__('wallaroo._snapshot', fromlist=['take_dirty'])");
        }
        return snapshots;
    }

    /** Dirty entities through {@code wallaroo._snapshot.take_dirty}; one failing entity is reported, not fatal. */
    @Override
    public List<EntityBytes> takeDirtyEntities(LaneOutput out) {
        synchronized (context) {
            Value result = snapshots().invokeMember("take_dirty", runner);
            reportFailures(result.getArrayElement(1), out);
            Value flat = result.getArrayElement(0);
            int n = (int) flat.getArraySize();
            List<EntityBytes> entities = new ArrayList<>(n / 4);
            for (int i = 0; i < n; i += 4) {
                entities.add(new EntityBytes(flat.getArrayElement(i).asString(), flat.getArrayElement(i + 1).asLong(),
                        flat.getArrayElement(i + 2).as(byte[].class), flat.getArrayElement(i + 3).as(byte[].class)));
            }
            return entities;
        }
    }

    @Override
    public void restoreEntities(List<EntityBytes> entities, LaneOutput out) {
        Object[] flat = new Object[entities.size() * 3];
        int at = 0;
        for (EntityBytes e : entities) {
            flat[at++] = e.state();
            flat[at++] = new String(e.key(), StandardCharsets.ISO_8859_1);
            flat[at++] = new String(e.value(), StandardCharsets.ISO_8859_1);
        }
        synchronized (context) {
            reportFailures(snapshots().invokeMember("restore", runner, ProxyArray.fromArray(flat)), out);
        }
    }

    private static void reportFailures(Value errors, LaneOutput out) {
        for (long i = 0, n = errors.getArraySize(); i < n; i++) {
            Value e = errors.getArrayElement(i);
            out.failed(new StepFailure(e.getArrayElement(0).asString(), e.getArrayElement(1).asString(),
                    e.getArrayElement(2).asString()));
        }
    }

    @Override
    public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
        String data = new String(batch.data(), 0, batch.dataLength(), StandardCharsets.ISO_8859_1);
        Object[] args = FrameArguments.of(pipelineId, data, batch.lengths(), batch.count());
        Value result;
        synchronized (context) {
            result = frames.execute(args);
            deliver(result, out);
        }
    }

    @Override
    public void onRouted(RoutedBatch batch, LaneOutput out) {
        synchronized (context) {
            deliver(routed.execute(batch.payload()), out);
        }
    }

    /**
     * Reads {@code (sinks, routes, errors, notices, steps)} as laid out by {@code LaneRunner._take_results}
     * (the runner is made with {@code count_steps}, so {@code steps} carries the messages each step took in).
     * Failures and notices are reported first, so a log line never trails the output it explains.
     */
    private void deliver(Value result, LaneOutput out) {
        if (result.isNull()) {
            return;
        }
        Value errors = result.getArrayElement(2);
        if (!errors.isNull()) {
            for (long i = 0, n = errors.getArraySize(); i < n; i++) {
                Value e = errors.getArrayElement(i);
                out.failed(new StepFailure(e.getArrayElement(0).asString(), e.getArrayElement(1).asString(),
                        e.getArrayElement(2).asString()));
            }
        }
        Value notices = result.getArrayElement(3);
        if (!notices.isNull()) {
            for (long i = 0, n = notices.getArraySize(); i < n; i++) {
                LOG.info("lane {}: {}", lane, notices.getArrayElement(i).asString());
            }
        }
        if (result.getArraySize() > 4) {
            Value steps = result.getArrayElement(4);
            if (!steps.isNull()) {
                for (long i = 0, n = steps.getArraySize(); i < n; i += 3) {
                    out.stepMessages(steps.getArrayElement(i).asInt(), steps.getArrayElement(i + 1).asInt(),
                            steps.getArrayElement(i + 2).asLong());
                }
            }
        }
        Value sinks = result.getArrayElement(0);
        if (!sinks.isNull()) {
            for (long i = 0, n = sinks.getArraySize(); i < n; i += 3) {
                out.emit(sinks.getArrayElement(i).asInt(), SinkData.bytesOf(sinks.getArrayElement(i + 1)),
                        sinks.getArrayElement(i + 2).asInt());
            }
        }
        Value routes = result.getArrayElement(1);
        if (!routes.isNull()) {
            for (long i = 0, n = routes.getArraySize(); i < n; i += 3) {
                out.route(routes.getArrayElement(i).asInt(), routes.getArrayElement(i + 1).asString(),
                        routes.getArrayElement(i + 2).asInt());
            }
        }
    }

    @Override
    public void close() {
        context.close(true);
    }
}
