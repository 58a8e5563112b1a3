package io.wallaroo.engine.connector;

/** A running input of one pipeline (a TCP server, a Kafka consumer, an extension server). */
public interface Source extends AutoCloseable {
    /** Starts taking input; returns once the source is listening or subscribed. */
    void start(SourceContext context) throws Exception;

    String describe();

    @Override
    void close();
}
