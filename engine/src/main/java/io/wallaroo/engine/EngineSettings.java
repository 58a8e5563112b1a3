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
 */
public record EngineSettings(int lanes, int maxFrameBytes, int batchMessages, int highWatermark,
                             int lowWatermark, long sinkBufferBytes, boolean spreadInput) {

    public static EngineSettings defaults(int lanes) {
        return new EngineSettings(lanes, 16 * 1024 * 1024, 512, 64_000, 16_000, 32L * 1024 * 1024, true);
    }

    public EngineSettings withLanes(int n) {
        return new EngineSettings(n, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spreadInput);
    }

    public EngineSettings withMaxFrameBytes(int n) {
        return new EngineSettings(lanes, n, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spreadInput);
    }

    public EngineSettings withBatchMessages(int n) {
        return new EngineSettings(lanes, maxFrameBytes, n, highWatermark, lowWatermark, sinkBufferBytes, spreadInput);
    }

    public EngineSettings withWatermarks(int high, int low) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, high, low, sinkBufferBytes, spreadInput);
    }

    public EngineSettings withSinkBufferBytes(long n) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, n, spreadInput);
    }

    public EngineSettings withSpreadInput(boolean spread) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes, spread);
    }
}
