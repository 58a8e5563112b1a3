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
 */
public record EngineSettings(int lanes, int maxFrameBytes, int batchMessages, int highWatermark,
                             int lowWatermark, long sinkBufferBytes) {

    public static EngineSettings defaults(int lanes) {
        return new EngineSettings(lanes, 16 * 1024 * 1024, 512, 64_000, 16_000, 32L * 1024 * 1024);
    }

    public EngineSettings withLanes(int n) {
        return new EngineSettings(n, maxFrameBytes, batchMessages, highWatermark, lowWatermark, sinkBufferBytes);
    }

    public EngineSettings withMaxFrameBytes(int n) {
        return new EngineSettings(lanes, n, batchMessages, highWatermark, lowWatermark, sinkBufferBytes);
    }

    public EngineSettings withBatchMessages(int n) {
        return new EngineSettings(lanes, maxFrameBytes, n, highWatermark, lowWatermark, sinkBufferBytes);
    }

    public EngineSettings withWatermarks(int high, int low) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, high, low, sinkBufferBytes);
    }

    public EngineSettings withSinkBufferBytes(long n) {
        return new EngineSettings(lanes, maxFrameBytes, batchMessages, highWatermark, lowWatermark, n);
    }
}
