package io.wallaroo.engine.topology;

import java.util.List;
import java.util.Map;

/**
 * A streaming application as the engine sees it: pipelines plus the named states they share.
 * This is a description only; the behaviour of each step is supplied per lane by a
 * {@link io.wallaroo.engine.runtime.LaneExecutor}, which is what lets another language plug in.
 */
public record Application(String name, List<Pipeline> pipelines, Map<String, StateDefinition> states) {
    public Application {
        pipelines = List.copyOf(pipelines);
        states = Map.copyOf(states);
    }

    /** All sinks of all pipelines, in declaration order; a sink's index here is its sink id. */
    public List<SinkSpec> allSinks() {
        return pipelines.stream().flatMap(p -> p.sinks().stream()).toList();
    }

    /** The global sink id of sink {@code index} of pipeline {@code pipelineId}. */
    public int sinkId(int pipelineId, int index) {
        int id = 0;
        for (Pipeline p : pipelines) {
            if (p.id() == pipelineId) {
                return id + index;
            }
            id += p.sinks().size();
        }
        throw new IllegalArgumentException("no pipeline " + pipelineId);
    }
}
