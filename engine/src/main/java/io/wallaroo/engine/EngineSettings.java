package io.wallaroo.engine;

/**
 * Tunables of one engine run.
 *
 * @param lanes            parallel lanes (one user-code interpreter each)
 * @param maxFrameBytes    largest accepted message; a bigger declared length closes that connection
 * @param batchMessages    most messages a source puts in one batch
 * @param highWatermark    queued messages in any lane at which sources pause
 * @param lowWatermark     queued messages in every lane at which sources resume
 * @param sinkBufferBytes  output a sink holds for a slow or absent receiver before lanes block
 * @param spreadInput      whether one inlet's batches go to every lane and are put back in order
 *                         before the first partitioned state step ({@code EntryLanes#spreads})
 * @param laneNiceness     the OS niceness each lane thread gives itself (0: the process's own); a
 *                         higher one lets the JIT compilers go first while the lanes warm up
 */
public record EngineSettings(int lanes, int maxFrameBytes, int batchMessages, int highWatermark,
                             int lowWatermark, long sinkBufferBytes, boolean spreadInput, int laneNiceness) {

    public static EngineSettings defaults(int lanes) {
        return new EngineSettings(lanes, 16 * 1024 * 1024, 512, 64_000, 16_000, 32L * 1024 * 1024, true, 0);
    }

    public EngineSettings withLanes(int n) {
        return new EngineSettings(n, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spreadInput, laneNiceness);
    }

    public EngineSettings withMaxFrameBytes(int n) {
        return new EngineSettings(lanes, n, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spreadInput, laneNiceness);
    }

    public EngineSettings withBatchMessages(int n) {
        return new EngineSettings(lanes, maxFrameBytes, n, highWatermark, lowWatermark, sinkBufferBytes, spreadInput, laneNiceness);
    }

    public EngineSettings withWatermarks(int high, int low) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, high, low, sinkBufferBytes, spreadInput, laneNiceness);
    }

    public EngineSettings withSinkBufferBytes(long n) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, n, spreadInput, laneNiceness);
    }

    public EngineSettings withSpreadInput(boolean spread) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spread, laneNiceness);
    }

    public EngineSettings withLaneNiceness(int n) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spreadInput, n);
    }
}
