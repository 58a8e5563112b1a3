package io.wallaroo.engine.connector;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tells a source when everything one of its batches caused has left the engine, so it can
 * acknowledge its input (a Kafka source commits offsets only then: at-least-once delivery).
 *
 * <p>Reference counted: the batch holds one reference; every routed batch and sink chunk derived
 * from it takes one more ({@link #retain()}) and gives it back when done ({@link #release()}).
 */
public class Completion {
    /** For sources that do not need to know. */
    public static final Completion NONE = new Completion(null) {
        @Override public Completion retain() { return this; }
        @Override public void release() {}
    };

    private final AtomicInteger references = new AtomicInteger(1);
    private final Runnable onComplete;

    public Completion(Runnable onComplete) {
        this.onComplete = onComplete;
    }

    public Completion retain() {
        references.incrementAndGet();
        return this;
    }

    public void release() {
        if (references.decrementAndGet() == 0 && onComplete != null) {
            onComplete.run();
        }
    }
}
