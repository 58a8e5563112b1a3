package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.FrameBatch;
import org.HdrHistogram.Recorder;

/**
 * Times a batch from the moment its source hands it to the engine (its bytes were just read) to
 * the moment everything it gave rise to has left through the sinks: the batch's completion.
 * Each message of the batch counts once, so a recorder's count equals the messages taken in.
 */
final class BatchLatency {
    private BatchLatency() {}

    static FrameBatch timed(FrameBatch batch, Recorder recorder) {
        long start = System.nanoTime();
        Completion source = batch.completion();
        int messages = batch.count();
        Completion timed = new Completion(() -> {
            recorder.recordValueWithCount(Math.max(1, (System.nanoTime() - start) / 1000), messages);
            source.release();
        });
        return new FrameBatch(batch.data(), batch.dataLength(), batch.lengths(), messages, timed);
    }
}
