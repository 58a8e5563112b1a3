package io.wallaroo.engine.topology;

/** A step of a pipeline. Sinks are not steps: they are where a pipeline's last output goes. */
public sealed interface Step permits Step.Stateless, Step.Stateful {
    String name();

    /** True when one input may produce several outputs. */
    boolean multi();

    /** A computation without state: runs on whichever lane the message is on. */
    record Stateless(String name, boolean multi, boolean parallel) implements Step {}

    /** A computation over a named state; the message is routed to the lane that owns its state entity. */
    record Stateful(String name, boolean multi, String stateName) implements Step {}
}
