package io.wallaroo.flink.job;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch and network-buffer waits a job gets by default follow from its shape, and so does
 * which operators share a task.
 */
class JobTranslatorTest {
    private static final SourceSpec TCP = new SourceSpec.Tcp("127.0.0.1", 0, Framing.of(4, ">I"));
    private static final SourceSpec EXTENSION = new SourceSpec.Extension("127.0.0.1", 0);
    private static final StateDefinition WORDS = new StateDefinition("words", "W", new StateDefinition.Keyed("part", false, 3));
    private static final StateDefinition TOTAL = new StateDefinition("total", "T", new StateDefinition.Single());

    private static JobTranslator translator(Application app, int parallelism, Long flush, Long buffer) {
        return new JobTranslator(app, null, new JobTranslator.Settings(parallelism, 512, flush, buffer, 1 << 20, true));
    }

    private static Pipeline counting(int id, String... states) {
        return counting(id, TCP, states);
    }

    private static Pipeline counting(int id, SourceSpec source, String... states) {
        List<Step> steps = new java.util.ArrayList<>(List.of(new Step.Stateless("split", true, false)));
        for (String state : states) {
            steps.add(new Step.Stateful("count " + state, false, state));
        }
        return new Pipeline(id, "p" + id, source, steps, List.of());
    }

    @Test
    void oneSourcePerStateAtParallelismOneWaitsOneMillisecond() {
        Application app = new Application("a", List.of(counting(0, "words", "total")), Map.of("words", WORDS, "total", TOTAL));
        JobTranslator job = translator(app, 1, null, null);
        assertTrue(job.chainsEveryState());
        assertEquals(1, job.flushMillis());
        assertEquals(1, job.bufferTimeoutMillis());
    }

    @Test
    void aShuffledStateKeepsTheLongerWaits() {
        Application app = new Application("a", List.of(counting(0, "words")), Map.of("words", WORDS));
        JobTranslator job = translator(app, 2, null, null);
        assertFalse(job.chainsEveryState(), "at parallelism 2 the keyed state is fed through keyBy");
        assertEquals(5, job.flushMillis());
        assertEquals(5, job.bufferTimeoutMillis());
    }

    @Test
    void twoPipelinesIntoOneStateAreAShuffleEvenAtParallelismOne() {
        Application app = new Application("a", List.of(counting(0, "words"), counting(1, "words")), Map.of("words", WORDS));
        assertFalse(translator(app, 1, null, null).chainsEveryState(), "the state has two producers: a union, not a chain");
    }

    @Test
    void anUnpartitionedStateAtParallelismTwoStillChainsToItsOneEntryTask() {
        // Its pipeline enters on one task (EntryLanes), so the state's one task chains to it.
        Application app = new Application("a", List.of(counting(0, "total")), Map.of("total", TOTAL));
        assertTrue(translator(app, 2, null, null).chainsEveryState());
    }

    @Test
    void statelessPipelinesHaveNothingToShuffle() {
        Pipeline stateless = new Pipeline(0, "q", TCP, List.of(new Step.Stateless("s", false, true)), List.of());
        Application app = new Application("a", List.of(stateless), Map.of());
        assertEquals(1, translator(app, 2, null, null).flushMillis());
    }

    @Test
    void givenWaitsAreKept() {
        Application app = new Application("a", List.of(counting(0, "words")), Map.of("words", WORDS));
        assertEquals(3, translator(app, 1, 3L, null).flushMillis());
        assertEquals(1, translator(app, 1, 3L, null).bufferTimeoutMillis());
        assertEquals(2, translator(app, 2, null, 2L).bufferTimeoutMillis());
        assertEquals(5, translator(app, 2, null, 2L).flushMillis());
    }

    /** The job's tasks: each a chain of operators that hand records to each other as calls. */
    private static List<String> tasks(Application app, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        translator(app, parallelism, null, null).translate(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<String> names = new java.util.ArrayList<>();
        for (JobVertex v : graph.getVertices()) {
            names.add(v.getName());
        }
        return names;
    }

    @Test
    void atParallelismOneTheTcpSourceEntryAndStateAreOneTask() {
        // The TCP source reads on its task's thread, so nothing stands between it and Python.
        Application app = new Application("a", List.of(counting(0, "words")), Map.of("words", WORDS));
        List<String> tasks = tasks(app, 1);
        assertEquals(1, tasks.size(), tasks.toString());
        assertTrue(tasks.get(0).contains("tcp source p0"), tasks.toString());
    }

    @Test
    void atParallelismTwoTheTcpSourceHandsEachConnectionToOneEntryTask() {
        Application app = new Application("a", List.of(counting(0, "words")), Map.of("words", WORDS));
        List<String> tasks = tasks(app, 2);
        assertTrue(tasks.size() > 1, tasks.toString());
        assertTrue(tasks.stream().anyMatch(t -> t.contains("tcp source p0") && !t.contains("->")),
                "the source is a task of its own, partitioning by connection: " + tasks);
    }

    @Test
    void atParallelismOneTheExtensionSourceEntryAndStateAreOneTask() {
        Application app = new Application("a", List.of(counting(0, EXTENSION, "words")), Map.of("words", WORDS));
        List<String> tasks = tasks(app, 1);
        assertEquals(1, tasks.size(), tasks.toString());
        assertTrue(tasks.get(0).contains("extension source p0"), tasks.toString());
    }

    @Test
    void atParallelismTwoTheExtensionSourceSpreadsPartitionsOverEntryTasks() {
        Application app = new Application("a", List.of(counting(0, EXTENSION, "words")), Map.of("words", WORDS));
        List<String> tasks = tasks(app, 2);
        assertTrue(tasks.stream().anyMatch(t -> t.contains("extension source p0") && !t.contains("->")),
                "the source is a task of its own, partitioning by stream partition: " + tasks);
    }
}
