package io.wallaroo.engine.runtime;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * Which lane a pipeline's inputs should enter on.
 *
 * <p>A state without partitions lives on one lane, {@link #ownerOf(String, int)}; executors
 * must place it by the same rule (the Python runner does: {@code zlib.crc32(name) % lanes}).
 * When a pipeline's first state step uses such a state, every message ends up on that lane
 * anyway, so its inputs enter there: the steps before it run on the same lane and nothing has
 * to cross. Other pipelines spread their inputs over all lanes: a connection to one lane each,
 * round robin, or, when the first state step is partitioned, each batch of a connection to the
 * next lane ({@link #spreads}), with the messages put back in the connection's order before that
 * step.
 */
public final class EntryLanes {
    private EntryLanes() {}

    /** The lane owning an unpartitioned state: CRC-32 of its UTF-8 name, modulo the lane count. */
    public static int ownerOf(String stateName, int lanes) {
        CRC32 crc = new CRC32();
        crc.update(stateName.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % lanes);
    }

    /**
     * Whether the batches of one inlet of {@code pipeline} go to every lane in turn. Only when its
     * first state step is partitioned: the owner of each key puts that step's messages back in the
     * inlet's order ({@code Resequencer}), which per-key order needs and nothing before that step
     * does. A pipeline without a state step keeps each inlet on one lane, so its output keeps the
     * input's order.
     */
    public static boolean spreads(Application application, Pipeline pipeline, int lanes, boolean enabled) {
        if (!enabled || lanes < 2) {
            return false;
        }
        return firstState(application, pipeline)
                .filter(state -> !(state.partitioning() instanceof StateDefinition.Single))
                .isPresent();
    }

    /** The lane every input of {@code pipeline} should enter on, if there is one. */
    public static OptionalInt preferred(Application application, Pipeline pipeline, int lanes) {
        return firstState(application, pipeline)
                .filter(state -> state.partitioning() instanceof StateDefinition.Single)
                .map(state -> OptionalInt.of(ownerOf(state.name(), lanes)))
                .orElse(OptionalInt.empty());
    }

    /** The state of the pipeline's first state step, if it has one and the state is defined. */
    private static Optional<StateDefinition> firstState(Application application, Pipeline pipeline) {
        for (Step step : pipeline.steps()) {
            if (step instanceof Step.Stateful stateful) {
                return Optional.ofNullable(application.states().get(stateful.stateName()));
            }
        }
        return Optional.empty();
    }
}
