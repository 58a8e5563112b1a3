package io.wallaroo.engine.runtime;

/**
 * Where a batch of a spread inlet stands in that inlet's order: {@code stream} names the inlet
 * (unique within the engine run) and {@code number} counts its batches from 0.
 */
record SequenceTag(long stream, long number) {}
