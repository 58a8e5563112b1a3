package io.wallaroo.flink.job;

import io.wallaroo.engine.LogThrottle;
import io.wallaroo.flink.python.AppBundle;
import io.wallaroo.flink.python.TaskPython;
import io.wallaroo.python.SinkData;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thin adapter from Flink to the {@code wallaroo} runner: it buffers records and hands them to
 * Python as one batch (on size, on a short processing-time timer, before a checkpoint barrier and
 * at the end of input), then turns the batch's results into records: encoded output for sinks and
 * one record per key group of messages for state operators. One exception in user code drops one message; it is logged
 * with its step and counted in the {@code wallarooStepFailures} metric.
 */
public abstract class PythonOperator<IN> extends AbstractStreamOperator<Envelope>
        implements OneInputStreamOperator<IN, Envelope>, BoundedOneInput, ProcessingTimeCallback {
    private static final Logger USER_ERRORS = LoggerFactory.getLogger("wallaroo.user-errors");
    private static final Logger LOG = LoggerFactory.getLogger("wallaroo.flink");

    protected final AppBundle bundle;
    private final List<String> sinkFormats;
    protected final int batchSize;
    private final long flushMillis;
    protected final int keyGroups;
    private final String runnerName;
    private final List<String> inlineStates;

    protected transient TaskPython python;
    private transient boolean timerSet;
    private transient Counter failures;
    private transient Counter messagesIn;
    private transient Map<String, LogThrottle> throttles;

    /**
     * @param runnerName   the runner this operator's steps run in: its own, or (for a state run
     *                     inline) the one of the operator it is chained to
     * @param inlineStates the states that runner runs inline (JobTranslator's layout)
     */
    protected PythonOperator(AppBundle bundle, List<String> sinkFormats, int batchSize, long flushMillis, int keyGroups,
                             String runnerName, List<String> inlineStates) {
        this.bundle = bundle;
        this.runnerName = runnerName;
        this.inlineStates = List.copyOf(inlineStates);
        this.sinkFormats = List.copyOf(sinkFormats);
        this.batchSize = batchSize;
        this.flushMillis = flushMillis;
        this.keyGroups = keyGroups;
    }

    @Override
    public void open() throws Exception {
        super.open();
        failures = getMetricGroup().counter("wallarooStepFailures");
        messagesIn = getMetricGroup().counter("wallarooMessagesIn");
        throttles = new ConcurrentHashMap<>();
        try {
            python = TaskPython.open(bundle, sinkFormats, keyGroups, runnerName, inlineStates);
        } catch (IllegalStateException e) {
            // The module cannot load on this task manager: restarting would fail the same way.
            throw new SuppressRestartsException(e);
        }
    }

    /** Messages buffered and not yet handed to Python. */
    protected abstract int buffered();

    /** Hands the buffer to Python, empties it and returns the runner's result. */
    protected abstract Value runBuffered() throws Exception;

    /** How many buffered messages make a batch worth a Python call before the flush timer. */
    protected int batchThreshold() {
        return batchSize;
    }

    protected void afterAdd(int added) throws Exception {
        messagesIn.inc(added);
        if (buffered() >= batchThreshold()) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + flushMillis, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timerSet = false;
        flush();
    }

    protected final void flush() throws Exception {
        if (buffered() > 0) {
            deliver(runBuffered());
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (python != null) {
                python.close();
            }
        } finally {
            super.close();
        }
    }

    /** Reads {@code (sinks, routes, errors, notices)}; routes are packed per key group ({@code wallaroo._keyed}). */
    private void deliver(Value result) {
        if (result == null || result.isNull()) {
            return;
        }
        Value errors = result.getArrayElement(2);
        if (!errors.isNull()) {
            for (long i = 0, n = errors.getArraySize(); i < n; i++) {
                Value e = errors.getArrayElement(i);
                failed(e.getArrayElement(0).asString(), e.getArrayElement(1).asString(), e.getArrayElement(2).asString());
            }
        }
        Value notices = result.getArrayElement(3);
        if (!notices.isNull()) {
            for (long i = 0, n = notices.getArraySize(); i < n; i++) {
                LOG.info("{}: {}", getOperatorName(), notices.getArrayElement(i).asString());
            }
        }
        Value sinks = result.getArrayElement(0);
        if (!sinks.isNull()) {
            for (long i = 0, n = sinks.getArraySize(); i < n; i += 3) {
                output.collect(new StreamRecord<>(Envelope.sink(sinks.getArrayElement(i).asInt(),
                        SinkData.bytesOf(sinks.getArrayElement(i + 1)), sinks.getArrayElement(i + 2).asInt())));
            }
        }
        Value routes = result.getArrayElement(1);
        if (!routes.isNull()) {
            // [code, key group, packed crossing, count, ...]: one record per batch and key group
            for (long i = 0, n = routes.getArraySize(); i < n; i += 4) {
                output.collect(new StreamRecord<>(Envelope.routed(routes.getArrayElement(i).asInt(),
                        routes.getArrayElement(i + 1).asInt(), routes.getArrayElement(i + 2).asString(),
                        routes.getArrayElement(i + 3).asInt())));
            }
        }
    }

    static byte[] block(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }

    private void failed(String step, String error, String input) {
        failures.inc();
        long suppressed = throttles.computeIfAbsent(step, k -> new LogThrottle(5)).admit();
        if (suppressed >= 0) {
            String more = suppressed > 0 ? " (" + suppressed + " more failures in this step were not logged)" : "";
            USER_ERRORS.warn("step '{}' raised {} on input {}; the message was dropped, processing goes on{}",
                    step, error, input, more);
        }
    }
}
