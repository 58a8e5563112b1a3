package io.wallaroo.engine.runtime;

/**
 * What an executor hands back to the runtime while processing a batch. The runtime attaches
 * completion tracking to what it is given, so executors deal in bytes only.
 */
public interface LaneOutput {
    /** Messages that must continue on {@code lane}, packed by the executor as an immutable value. */
    void route(int lane, Object payload, int messages);

    /** Encoded output for sink {@code sinkId} (see {@link io.wallaroo.engine.topology.Application#sinkId}). */
    void emit(int sinkId, byte[] bytes, int messages);

    void failed(StepFailure failure);

    /**
     * {@code messages} entered step {@code stepIndex} of pipeline {@code pipelineId} in this batch
     * ({@code stepIndex} equal to the pipeline's number of steps: its sinks). Executors that run
     * steps fused report this once per batch; the default ignores it.
     */
    default void stepMessages(int pipelineId, int stepIndex, long messages) {}

    /** The counter {@link #stepMessages} adds to: {@code step.PIPELINE.STEP.messages}. */
    static String stepCounter(int pipelineId, int stepIndex) {
        return "step." + pipelineId + "." + stepIndex + ".messages";
    }
}
