package io.wallaroo.engine.runtime;

/** User code raised while processing one message; that message is dropped, the rest go on. */
public record StepFailure(String step, String error, String input) {}
