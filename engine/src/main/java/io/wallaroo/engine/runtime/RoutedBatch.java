package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.Completion;

/**
 * Messages on their way from one lane to another. Lanes may be separate interpreters, so what
 * crosses is an immutable value only the executors that made it understand: the Python bridge
 * packs a batch into one String; a runner that crosses process boundaries would use bytes.
 */
public record RoutedBatch(int fromLane, Object payload, int messages, Completion completion) {}
