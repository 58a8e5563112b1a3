package io.wallaroo.engine.runtime;

/**
 * Messages on their way from one lane to another, as bytes. Lanes may be separate interpreters
 * (or separate processes), so nothing but bytes crosses; only the executors that made the
 * payload know its layout.
 */
public record RoutedBatch(int fromLane, byte[] payload, int messages, Completion completion) {}
