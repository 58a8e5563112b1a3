package io.wallaroo.engine.testing;

import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.SinkRecords;
import io.wallaroo.engine.runtime.LaneExecutor;
import io.wallaroo.engine.runtime.LaneExecutorFactory;
import io.wallaroo.engine.runtime.LaneOutput;
import io.wallaroo.engine.runtime.RoutedBatch;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * User code for engine tests that run without Python: each message (UTF-8 text) goes through a
 * Java function, and what it returns goes to every sink of the message's pipeline, laid out as
 * each sink expects (RECORDS for Kafka and extensions, the value plus a newline for TCP).
 */
public final class TransformingExecutor implements LaneExecutor {

    /** What one message becomes; {@code key} may be null. Returning null drops the message. */
    public record Output(String key, String value) {}

    private final Application application;
    private final Function<String, Output> transform;
    private final Duration perBatch;

    private TransformingExecutor(Application application, Function<String, Output> transform, Duration perBatch) {
        this.application = application;
        this.transform = transform;
        this.perBatch = perBatch;
    }

    public static LaneExecutorFactory factory(Application application, Function<String, Output> transform) {
        return factory(application, transform, Duration.ZERO);
    }

    /** With {@code perBatch} of extra work per batch: a slow step, to make the engine apply back-pressure. */
    public static LaneExecutorFactory factory(Application application, Function<String, Output> transform, Duration perBatch) {
        return (lane, lanes) -> new TransformingExecutor(application, transform, perBatch);
    }

    @Override
    public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
        Pipeline pipeline = application.pipelines().get(pipelineId);
        int sinks = pipeline.sinks().size();
        ByteArrayOutputStream[] encoded = new ByteArrayOutputStream[sinks];
        int[] counts = new int[sinks];
        for (int s = 0; s < sinks; s++) {
            encoded[s] = new ByteArrayOutputStream();
        }
        int at = 0;
        for (int i = 0; i < batch.count(); i++) {
            String text = new String(batch.data(), at, batch.lengths()[i], StandardCharsets.UTF_8);
            at += batch.lengths()[i];
            Output result = transform.apply(text);
            if (result == null) {
                continue;
            }
            for (int s = 0; s < sinks; s++) {
                encoded[s].writeBytes(encode(pipeline.sinks().get(s), result));
                counts[s]++;
            }
        }
        pause();
        for (int s = 0; s < sinks; s++) {
            if (counts[s] > 0) {
                out.emit(application.sinkId(pipelineId, s), encoded[s].toByteArray(), counts[s]);
            }
        }
    }

    private static byte[] encode(SinkSpec sink, Output result) {
        byte[] value = result.value().getBytes(StandardCharsets.UTF_8);
        if (sink.format() == SinkSpec.OutputFormat.STREAM) {
            return (result.value() + "\n").getBytes(StandardCharsets.UTF_8);
        }
        return SinkRecords.encode(result.key() == null ? null : result.key().getBytes(StandardCharsets.UTF_8), value);
    }

    private void pause() {
        if (!perBatch.isZero()) {
            try {
                Thread.sleep(perBatch.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void onRouted(RoutedBatch batch, LaneOutput out) {
        throw new IllegalStateException("this executor runs stateless pipelines only; nothing is routed");
    }
}
