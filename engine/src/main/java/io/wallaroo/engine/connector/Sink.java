package io.wallaroo.engine.connector;

import io.wallaroo.engine.runtime.SinkChunk;

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

    @Override
    void close();
}
