package io.wallaroo.engine.connector;

import java.util.Map;

/** One ordered input stream into the runtime. */
public interface Inlet {
    void deliver(FrameBatch batch);

    /**
     * Delivers a batch of a replayable input together with where that input stands once the
     * batch is taken: per input name (a Kafka partition, an extension stream and partition) the
     * position to resume from. The runtime records the two atomically, so a snapshot's positions
     * always match the batches its state reflects.
     */
    default void deliver(FrameBatch batch, Map<String, Long> positionsAfter) {
        deliver(batch);
    }

    /** No more batches will come (the connection closed); releases flow-control registration. */
    void close();
}
