package io.wallaroo.engine.runtime;

/** Creates the executor of each lane; called once per lane, possibly from several threads at once. */
@FunctionalInterface
public interface LaneExecutorFactory {
    LaneExecutor create(int laneIndex, int laneCount) throws Exception;
}
