package io.wallaroo.engine.connector;

import io.wallaroo.engine.runtime.FrameBatch;

/** One ordered input stream into the runtime. */
public interface Inlet {
    void deliver(FrameBatch batch);

    /** No more batches will come (the connection closed); releases flow-control registration. */
    void close();
}
