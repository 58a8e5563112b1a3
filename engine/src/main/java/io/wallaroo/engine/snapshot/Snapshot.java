package io.wallaroo.engine.snapshot;

import java.util.List;
import java.util.Map;

/**
 * What one snapshot file holds: the entities that changed since its parent (all entities when it
 * is a base), and the position of every source input at the cut (always complete).
 *
 * @param id        increasing over the life of the directory
 * @param baseId    the base this file builds on; equal to {@code id} for a base
 * @param parentId  the snapshot this one follows ({@code -1} for a base)
 * @param positions per pipeline name: per input (a Kafka partition, an extension stream and
 *                  partition) the position to resume from
 */
public record Snapshot(long id, long baseId, long parentId, long createdMillis, String fingerprint,
                       Map<String, Map<String, Long>> positions, List<EntityBytes> entities) {
    public boolean isBase() {
        return id == baseId;
    }
}
