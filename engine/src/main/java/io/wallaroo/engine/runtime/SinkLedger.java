package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.Completion;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which sink output has left the engine, so a snapshot is only kept once the output of every
 * input it covers is out: otherwise a crash right after the snapshot would lose output that was
 * still in a sink's buffer, since its input would not be replayed. Each chunk handed to a sink
 * gets a number; a snapshot remembers the last number written before its cut and waits until no
 * chunk up to it is still open.
 */
final class SinkLedger {
    private final AtomicLong last = new AtomicLong();
    private final ConcurrentSkipListSet<Long> open = new ConcurrentSkipListSet<>();

    /** Wraps a chunk's completion so its release also closes the chunk's number. */
    Completion track(Completion inner) {
        long number = last.incrementAndGet();
        open.add(number);
        return new Completion(() -> {
            open.remove(number);
            inner.release();
        });
    }

    /** The number of the last chunk handed to a sink so far. */
    long mark() {
        return last.get();
    }

    /** True once every chunk numbered up to {@code mark} has left the engine. */
    boolean settled(long mark) {
        return open.isEmpty() || open.first() > mark;
    }
}
