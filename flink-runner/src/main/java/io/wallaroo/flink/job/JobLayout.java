package io.wallaroo.flink.job;

import io.wallaroo.engine.runtime.EntryLanes;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Python operators a job has, how many tasks each runs as, and where each one's steps run;
 * {@link JobTranslator} builds the Flink graph from it. Worked out from the application model
 * alone, so it can be read (and tested) without Flink.
 *
 * <p>Every pipeline has an entry operator ({@code "entry <pipeline>"}: decode and the steps before
 * its first state) and every named state an operator ({@code "state <name>"}). A state chained to
 * its one producer (parallelism 1, one producer of parallelism 1) runs inline in that producer's
 * runner, as on a local engine's only lane: its messages are never packed, handed to Java and
 * unpacked, and its operator keeps only its entities' bytes in Flink's keyed state. The producer
 * then emits what the state's steps emit.
 *
 * <p>A message's target is a step code ({@code pipeline * 4096 + step}, as the Python runner
 * numbers state steps) or a sink as {@code -id - 1}.
 */
final class JobLayout {
    private final Application model;
    private final int parallelism;
    private final List<String> stateOrder;
    /** What each producer's records may carry (an inline state's: nothing). */
    private final Map<String, Set<Integer>> targets = new LinkedHashMap<>();
    /** The producer whose runner runs each operator's steps (itself, unless inline). */
    private final Map<String, String> runnerOf = new LinkedHashMap<>();
    /** The states each runner runs inline. */
    private final Map<String, List<String>> inline = new LinkedHashMap<>();
    /** Each inline state's one producer, the operator it is chained to. */
    private final Map<String, String> feeder = new LinkedHashMap<>();

    JobLayout(Application model, int parallelism) {
        this.model = model;
        this.parallelism = parallelism;
        this.stateOrder = orderStates();
        Map<String, Integer> parallelisms = new LinkedHashMap<>();
        for (Pipeline p : model.pipelines()) {
            String name = entryName(p);
            targets.put(name, new LinkedHashSet<>(targetsAfter(p, -1)));
            parallelisms.put(name, entryParallelism(p));
            runnerOf.put(name, name);
        }
        for (String state : stateOrder) {
            Set<Integer> codes = codesOf(state);
            List<String> feeding = producersOf(codes);
            String name = stateName(state);
            int stateParallelism = stateParallelism(state);
            parallelisms.put(name, stateParallelism);
            if (chains(feeding.stream().map(parallelisms::get).toList(), stateParallelism)) {
                String producer = feeding.get(0);
                String runner = runnerOf.get(producer);
                runnerOf.put(name, runner);
                inline.computeIfAbsent(runner, r -> new ArrayList<>()).add(state);
                feeder.put(state, producer);
                // The producer's runner now runs the state's steps and emits what they emit.
                targets.get(producer).removeAll(codes);
                targets.get(producer).addAll(targetsAfterState(codes));
                targets.put(name, new LinkedHashSet<>());
            } else {
                runnerOf.put(name, name);
                targets.put(name, targetsAfterState(codes));
            }
        }
    }

    static String entryName(Pipeline p) {
        return "entry " + p.name();
    }

    static String stateName(String state) {
        return "state " + state;
    }

    /** States such that a state comes after every state feeding it. */
    List<String> stateOrder() {
        return stateOrder;
    }

    /** The producers so far (in the order they were laid out) whose records may carry one of these targets. */
    private List<String> producersOf(Set<Integer> wanted) {
        return targets.keySet().stream().filter(producer -> !Collections.disjoint(targets.get(producer), wanted)).toList();
    }

    Set<Integer> targets(String producer) {
        return targets.get(producer);
    }

    String runnerOf(String operator) {
        return runnerOf.get(operator);
    }

    List<String> inlineIn(String runner) {
        return inline.getOrDefault(runner, List.of());
    }

    /** The producer an inline state is chained to, or null if the state is fed through keyBy. */
    String feeder(String state) {
        return feeder.get(state);
    }

    /** Whether every state runs chained to its one producer. */
    boolean chainsEveryState() {
        return feeder.size() == model.states().size();
    }

    /** An unpartitioned state's one task, else the job's parallelism. */
    int stateParallelism(String state) {
        return model.states().get(state).partitioning() instanceof StateDefinition.Single ? 1 : parallelism;
    }

    int entryParallelism(Pipeline p) {
        if (p.source() instanceof SourceSpec.Kafka) {
            return parallelism; // one entry task per source reader, chained to it
        }
        // A pipeline whose first state is unpartitioned ends on one task anyway: enter there.
        return EntryLanes.preferred(model, p, 2).isPresent() ? 1 : parallelism;
    }

    /** Whether a state of this parallelism, fed by producers of these parallelisms, chains to its producer. */
    static boolean chains(List<Integer> producerParallelisms, int parallelism) {
        // -Dwallaroo.flink.keyByAlways=true measures what the chaining saves (docs/flink.md).
        return parallelism == 1 && producerParallelisms.equals(List.of(1))
                && !Boolean.getBoolean("wallaroo.flink.keyByAlways");
    }

    /** The step codes of every step that uses this state. */
    Set<Integer> codesOf(String state) {
        Set<Integer> codes = new LinkedHashSet<>();
        for (Pipeline p : model.pipelines()) {
            for (int s = 0; s < p.steps().size(); s++) {
                if (p.steps().get(s) instanceof Step.Stateful st && st.stateName().equals(state)) {
                    codes.add(p.id() * 4096 + s);
                }
            }
        }
        return codes;
    }

    /** What messages of pipeline {@code p} go to after step {@code after}: the next state step's code, or the sinks. */
    private List<Integer> targetsAfter(Pipeline p, int after) {
        for (int s = after + 1; s < p.steps().size(); s++) {
            if (p.steps().get(s) instanceof Step.Stateful) {
                return List.of(p.id() * 4096 + s);
            }
        }
        List<Integer> sinks = new ArrayList<>();
        for (int k = 0; k < p.sinks().size(); k++) {
            sinks.add(-model.sinkId(p.id(), k) - 1);
        }
        return sinks;
    }

    /** What messages go to after the state steps with these codes: the next state steps, or the sinks. */
    private Set<Integer> targetsAfterState(Set<Integer> codes) {
        Set<Integer> after = new LinkedHashSet<>();
        for (int code : codes) {
            after.addAll(targetsAfter(model.pipelines().get(code / 4096), code % 4096));
        }
        return after;
    }

    /** States such that a state comes after every state feeding it; a cycle is a clear error. */
    private List<String> orderStates() {
        Map<String, Set<String>> feeds = new LinkedHashMap<>();
        for (String s : model.states().keySet()) {
            feeds.put(s, new LinkedHashSet<>());
        }
        for (Pipeline p : model.pipelines()) {
            String previous = null;
            for (Step step : p.steps()) {
                if (step instanceof Step.Stateful st) {
                    if (previous != null && !previous.equals(st.stateName())) {
                        feeds.get(st.stateName()).add(previous);
                    } else if (previous != null) {
                        throw cycle(st.stateName());
                    }
                    previous = st.stateName();
                }
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String s : feeds.keySet()) {
            visit(s, feeds, visiting, order);
        }
        return order;
    }

    private static void visit(String s, Map<String, Set<String>> feeds, Set<String> visiting, List<String> order) {
        if (order.contains(s)) {
            return;
        }
        if (!visiting.add(s)) {
            throw cycle(s);
        }
        for (String before : feeds.get(s)) {
            visit(before, feeds, visiting, order);
        }
        visiting.remove(s);
        order.add(s);
    }

    private static IllegalArgumentException cycle(String state) {
        return new IllegalArgumentException("state '" + state + "' is reached again from its own output (directly or "
                + "through other states); a Flink job is acyclic, so this topology runs on the local engine only for now");
    }
}
