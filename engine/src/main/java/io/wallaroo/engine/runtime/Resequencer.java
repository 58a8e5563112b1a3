package io.wallaroo.engine.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Puts one lane's share of spread input back in order. When an inlet's batches run on every lane
 * in turn ({@link EntryLanes#spreads}), the messages they send to this lane's first state step
 * arrive from several lanes, in whatever order those lanes finish. Every lane that runs a spread
 * batch tells every lane about it exactly once, with the messages for it or with none, so this
 * can hand each stream's messages on strictly by batch number: a gap is always a batch that some
 * lane has queued, never one that is lost. Used by the lane's own thread only.
 */
final class Resequencer {

    /**
     * What one lane sent here for one batch of a stream: the routed batches (often none), or,
     * with {@code end}, that the inlet closed after {@code tag.number()} batches.
     */
    record Arrival(SequenceTag tag, List<RoutedBatch> batches, boolean end) {}

    private static final class Stream {
        long next;
        final Map<Long, Arrival> waiting = new HashMap<>();
    }

    private final Map<Long, Stream> streams = new HashMap<>();
    private int waitingArrivals;

    /** Takes an arrival and runs, in order, every routed batch that is now next in its stream. */
    void accept(Arrival arrival, Consumer<RoutedBatch> run) {
        long id = arrival.tag().stream();
        Stream stream = streams.computeIfAbsent(id, k -> new Stream());
        if (arrival.tag().number() != stream.next) {
            stream.waiting.put(arrival.tag().number(), arrival);
            waitingArrivals++;
            return;
        }
        Arrival current = arrival;
        while (current != null) {
            if (current.end()) {
                streams.remove(id);
                return;
            }
            stream.next++;
            current.batches().forEach(run);
            current = stream.waiting.remove(stream.next);
            if (current != null) {
                waitingArrivals--;
            }
        }
    }

    /** Arrivals held for an earlier batch of their stream. */
    int waiting() {
        return waitingArrivals;
    }

    /** Streams open on this lane (inlets not yet closed, or whose end has not come round yet). */
    int streams() {
        return streams.size();
    }
}
