package io.wallaroo.engine.connector;

import java.util.Map;

/** A running input of one pipeline (a TCP server, a Kafka consumer, an extension server). */
public interface Source extends AutoCloseable {
    /** Starts taking input; returns once the source is listening or subscribed. */
    void start(SourceContext context) throws Exception;

    String describe();

    /**
     * Called before {@link #start} when the engine restores a snapshot (with resilience on, also
     * when there is none yet: then {@code positions} is empty). A replayable source resumes every
     * input from the position given here, the one it reported with the batches the restored state
     * reflects, rather than from anywhere else it may have remembered (such as Kafka's committed
     * offsets). An input not named was never read into the state: it starts from its beginning.
     */
    default void restore(Map<String, Long> positions) {}

    /** True when this source can replay input from a position (Kafka, extension scripts with sequences). */
    default boolean replayable() {
        return false;
    }

    @Override
    void close();
}
