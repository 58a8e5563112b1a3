package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.snapshot.EntityBytes;

import java.util.List;

/**
 * Runs an application's user code on one lane. A lane calls its executor from one thread only,
 * and the executor owns the state entities whose keys map to that lane, so user state is never
 * touched by two threads.
 *
 * <p>Work arrives in batches so that a language runtime can cross into its interpreter once per
 * batch and run a whole fused chain of steps there. The executor returns what must leave the
 * lane through {@link LaneOutput}: batches routed to other lanes, encoded sink output, failures.
 */
public interface LaneExecutor extends AutoCloseable {

    /** Decodes a batch of frames from a source of pipeline {@code pipelineId} and runs it as far as it can. */
    void onFrames(int pipelineId, FrameBatch batch, LaneOutput out);

    /** Continues messages another lane routed here (they need a state entity this lane owns). */
    void onRouted(RoutedBatch batch, LaneOutput out);

    /**
     * The state entities changed since the last call (for Python: those a state computation
     * returned {@code save_state=True} for), serialized; they count as saved from now on. Called
     * on the lane's thread at a snapshot barrier, when no batch is being processed. An entity the
     * executor cannot serialize is left out and reported through {@code out.failed}.
     */
    default List<EntityBytes> takeDirtyEntities(LaneOutput out) {
        return List.of();
    }

    /** Loads entities this lane owns from a snapshot, before any batch arrives. */
    default void restoreEntities(List<EntityBytes> entities, LaneOutput out) {}

    @Override
    default void close() {}
}
