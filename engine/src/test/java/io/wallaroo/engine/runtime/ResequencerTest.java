package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.Completion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResequencerTest {
    private final Resequencer resequencer = new Resequencer();
    private final List<Object> ran = new ArrayList<>();

    private static RoutedBatch batch(String payload) {
        return new RoutedBatch(1, payload, 1, Completion.NONE);
    }

    private void arrive(long stream, long number, RoutedBatch... batches) {
        resequencer.accept(new Resequencer.Arrival(new SequenceTag(stream, number), List.of(batches), false),
                b -> ran.add(b.payload()));
    }

    private void end(long stream, long number) {
        resequencer.accept(new Resequencer.Arrival(new SequenceTag(stream, number), List.of(), true),
                b -> ran.add(b.payload()));
    }

    @Test
    void batchesRunInTheirStreamsOrderWhateverOrderTheyArriveIn() {
        arrive(7, 2, batch("c"));
        arrive(7, 1, batch("b1"), batch("b2"));
        assertEquals(List.of(), ran, "batch 0 has not come yet");
        assertEquals(2, resequencer.waiting());
        arrive(7, 0, batch("a"));
        assertEquals(List.of("a", "b1", "b2", "c"), ran);
        assertEquals(0, resequencer.waiting());
    }

    @Test
    void anEmptyArrivalFillsItsPlace() {
        arrive(3, 1, batch("second"));
        arrive(3, 0);
        assertEquals(List.of("second"), ran);
    }

    @Test
    void streamsDoNotWaitForEachOther() {
        arrive(1, 1, batch("one-1"));
        arrive(2, 0, batch("two-0"));
        assertEquals(List.of("two-0"), ran);
        arrive(1, 0, batch("one-0"));
        assertEquals(List.of("two-0", "one-0", "one-1"), ran);
    }

    @Test
    void theEndComesAfterEveryBatchAndForgetsTheStream() {
        end(5, 2);            // the inlet closed after two batches, before either reached this lane
        arrive(5, 1, batch("b"));
        assertEquals(1, resequencer.streams());
        arrive(5, 0, batch("a"));
        assertEquals(List.of("a", "b"), ran);
        assertEquals(0, resequencer.streams());
        assertEquals(0, resequencer.waiting());
    }
}
