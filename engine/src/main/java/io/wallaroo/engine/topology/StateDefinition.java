package io.wallaroo.engine.topology;

/**
 * A named state shared by every step that names it. Partitioned states are split into entities
 * by key; each entity is owned by exactly one lane.
 */
public record StateDefinition(String name, String stateClass, Partitioning partitioning) {

    public sealed interface Partitioning permits Single, Keyed {}

    /** One entity for the whole state ({@code to_stateful}). */
    public record Single() implements Partitioning {}

    /** Entities by key ({@code to_state_partition}); {@code u64} when keys are non-negative integers. */
    public record Keyed(String partitionFunction, boolean u64, int declaredKeys) implements Partitioning {}
}
