package io.wallaroo.engine.connector;

/**
 * Encoded output of one lane's batch for one sink, laid out as the sink's
 * {@link io.wallaroo.engine.topology.SinkSpec.OutputFormat} says.
 */
public record SinkChunk(byte[] bytes, int messages, Completion completion) {}
