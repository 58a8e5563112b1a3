package io.wallaroo.engine.topology;

import java.util.List;

/** One source, a chain of steps, and zero or more sinks that all receive the chain's output. */
public record Pipeline(int id, String name, SourceSpec source, List<Step> steps, List<SinkSpec> sinks) {
    public Pipeline {
        steps = List.copyOf(steps);
        sinks = List.copyOf(sinks);
    }
}
