package io.wallaroo.engine.runtime;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.zip.CRC32;

/**
 * Which lane a pipeline's inputs should enter on.
 *
 * <p>A state without partitions lives on one lane, {@link #ownerOf(String, int)}; executors
 * must place it by the same rule (the Python runner does: {@code zlib.crc32(name) % lanes}).
 * When a pipeline's first state step uses such a state, every message ends up on that lane
 * anyway, so its inputs enter there: the steps before it run on the same lane and nothing has
 * to cross. Other pipelines spread their inputs over all lanes.
 */
public final class EntryLanes {
    private EntryLanes() {}

    /** The lane owning an unpartitioned state: CRC-32 of its UTF-8 name, modulo the lane count. */
    public static int ownerOf(String stateName, int lanes) {
        CRC32 crc = new CRC32();
        crc.update(stateName.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % lanes);
    }

    /** The lane every input of {@code pipeline} should enter on, if there is one. */
    public static OptionalInt preferred(Application application, Pipeline pipeline, int lanes) {
        for (Step step : pipeline.steps()) {
            if (step instanceof Step.Stateful stateful) {
                StateDefinition state = application.states().get(stateful.stateName());
                if (state != null && state.partitioning() instanceof StateDefinition.Single) {
                    return OptionalInt.of(ownerOf(stateful.stateName(), lanes));
                }
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
