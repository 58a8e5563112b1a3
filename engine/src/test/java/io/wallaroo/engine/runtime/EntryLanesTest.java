package io.wallaroo.engine.runtime;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryLanesTest {
    private static final SourceSpec SOURCE = new SourceSpec.Tcp("127.0.0.1", 0, Framing.of(4, ">I"));

    @Test
    void ownerMatchesPythonsZlibCrc32() {
        // zlib.crc32(b"status counts") == 526196404 and zlib.crc32(b"word totals") == 4293322837
        assertEquals((int) (526196404L % 2), EntryLanes.ownerOf("status counts", 2));
        assertEquals((int) (4293322837L % 3), EntryLanes.ownerOf("word totals", 3));
    }

    @Test
    void inputsEnterOnTheLaneOfAnUnpartitionedFirstState() {
        Pipeline pipeline = new Pipeline(0, "p", SOURCE,
                List.of(new Step.Stateless("decode more", false, false), new Step.Stateful("count", false, "counts")), List.of());
        Application app = new Application("a", List.of(pipeline),
                Map.of("counts", new StateDefinition("counts", "C", new StateDefinition.Single())));
        assertEquals(OptionalInt.of(EntryLanes.ownerOf("counts", 4)), EntryLanes.preferred(app, pipeline, 4));
    }

    @Test
    void partitionedOrStatelessPipelinesSpreadOverLanes() {
        Pipeline keyed = new Pipeline(0, "p", SOURCE, List.of(new Step.Stateful("count", false, "words")), List.of());
        Pipeline stateless = new Pipeline(1, "q", SOURCE, List.of(new Step.Stateless("s", false, true)), List.of());
        Application app = new Application("a", List.of(keyed, stateless),
                Map.of("words", new StateDefinition("words", "W", new StateDefinition.Keyed("part", false, 3))));
        assertEquals(OptionalInt.empty(), EntryLanes.preferred(app, keyed, 2));
        assertEquals(OptionalInt.empty(), EntryLanes.preferred(app, stateless, 2));
    }

    @Test
    void onlyAPartitionedFirstStateSpreadsOneInletsBatches() {
        Pipeline keyed = new Pipeline(0, "p", SOURCE, List.of(new Step.Stateless("split", true, false),
                new Step.Stateful("count", false, "words"), new Step.Stateful("total", false, "all")), List.of());
        Pipeline stateless = new Pipeline(1, "q", SOURCE, List.of(new Step.Stateless("s", false, true)), List.of());
        Pipeline single = new Pipeline(2, "r", SOURCE, List.of(new Step.Stateful("total", false, "all"),
                new Step.Stateful("count", false, "words")), List.of());
        Application app = new Application("a", List.of(keyed, stateless, single), Map.of(
                "words", new StateDefinition("words", "W", new StateDefinition.Keyed("part", false, 3)),
                "all", new StateDefinition("all", "T", new StateDefinition.Single())));
        assertTrue(EntryLanes.spreads(app, keyed, 2, true));
        assertFalse(EntryLanes.spreads(app, keyed, 1, true), "one lane: nothing to spread over");
        assertFalse(EntryLanes.spreads(app, keyed, 4, false), "turned off");
        assertFalse(EntryLanes.spreads(app, stateless, 4, true), "no state step: output keeps the input's order");
        assertFalse(EntryLanes.spreads(app, single, 4, true), "an unpartitioned first state takes every message anyway");
    }
}
