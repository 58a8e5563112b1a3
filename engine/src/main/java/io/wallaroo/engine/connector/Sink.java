package io.wallaroo.engine.connector;


/** A running output. */
public interface Sink extends AutoCloseable {
    /** Begins connecting; output written before the peer is reachable waits for it. */
    void start() throws Exception;

    /**
     * Takes one chunk of encoded output. Blocks the calling lane while the sink's buffer is full,
     * which is how a slow receiver slows the whole pipeline down instead of filling memory.
     * The sink releases the chunk's completion once the bytes have left the engine.
     */
    void write(SinkChunk chunk) throws InterruptedException;

    /** Waits up to {@code millis} for buffered output to leave; true when it all did. */
    boolean drain(long millis) throws InterruptedException;

    String describe();

    /** True while output can leave (connected to its receiver); sinks without a connection say true. */
    default boolean connected() {
        return true;
    }

    /** Bytes of output held for the receiver right now, or -1 when the sink does not keep count. */
    default long bufferedBytes() {
        return -1;
    }

    /** The most bytes the sink holds before it blocks the lanes, or -1 when it has no such limit. */
    default long bufferLimit() {
        return -1;
    }

    /** Times the sink connected again after losing its receiver. */
    default long reconnects() {
        return 0;
    }

    @Override
    void close();
}
