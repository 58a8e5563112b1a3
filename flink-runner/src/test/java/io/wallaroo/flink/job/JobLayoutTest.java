package io.wallaroo.flink.job;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where each operator's steps run, worked out from the model alone. */
class JobLayoutTest {
    private static final SourceSpec TCP = new SourceSpec.Tcp("127.0.0.1", 0, Framing.of(4, ">I"));
    private static final StateDefinition WORDS = new StateDefinition("words", "W", new StateDefinition.Keyed("part", false, 3));
    private static final StateDefinition LETTERS = new StateDefinition("letters", "L", new StateDefinition.Keyed("part", false, 3));

    /** split, count words, count letters, one TCP sink. */
    private static Application twoStates() {
        Pipeline p = new Pipeline(0, "p", TCP, List.of(new Step.Stateless("split", true, false),
                new Step.Stateful("count words", false, "words"), new Step.Stateful("count letters", false, "letters")),
                List.of(new SinkSpec.Tcp("127.0.0.1", 0)));
        return new Application("a", List.of(p), Map.of("words", WORDS, "letters", LETTERS));
    }

    @Test
    void atParallelismOneBothStatesRunInlineInTheEntryRunner() {
        JobLayout layout = new JobLayout(twoStates(), 1);
        assertEquals(List.of("words", "letters"), layout.stateOrder());
        assertEquals("entry p", layout.runnerOf("state words"));
        assertEquals("entry p", layout.runnerOf("state letters"), "chained to an inline state: the same runner");
        assertEquals(List.of("words", "letters"), layout.inlineIn("entry p"));
        assertEquals("entry p", layout.feeder("words"));
        assertEquals("entry p", layout.feeder("letters"), "the entry runner emits what the inline words state emits");
        assertEquals(Set.of(-1), layout.targets("entry p"), "the entry runner emits what the last state emits: the sink's");
        assertTrue(layout.targets("state words").isEmpty());
        assertTrue(layout.chainsEveryState());
    }

    @Test
    void atParallelismTwoEachStateIsItsOwnRunnerFedThroughKeyBy() {
        JobLayout layout = new JobLayout(twoStates(), 2);
        assertEquals("state words", layout.runnerOf("state words"));
        assertTrue(layout.inlineIn("entry p").isEmpty());
        assertNull(layout.feeder("words"));
        assertEquals(Set.of(1), layout.targets("entry p"), "step 1 of pipeline 0: count words");
        assertEquals(Set.of(2), layout.targets("state words"));
        assertEquals(Set.of(-1), layout.targets("state letters"));
        assertEquals(2, layout.stateParallelism("words"));
        assertEquals(2, layout.entryParallelism(twoStates().pipelines().get(0)));
        assertTrue(!layout.chainsEveryState());
    }

    @Test
    void aStateReachedFromItsOwnOutputIsRefusedWithTheReason() {
        Pipeline loop = new Pipeline(0, "p", TCP, List.of(new Step.Stateful("a", false, "words"),
                new Step.Stateful("b", false, "words")), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JobLayout(new Application("a", List.of(loop), Map.of("words", WORDS)), 1));
        assertTrue(e.getMessage().contains("state 'words' is reached again from its own output"), e.getMessage());
    }
}
