package io.wallaroo.flink.job;

import io.wallaroo.engine.connector.kafka.KafkaGroupIds;
import io.wallaroo.engine.runtime.EntryLanes;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.LengthField;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import io.wallaroo.flink.connect.ExtensionSinkFunction;
import io.wallaroo.flink.connect.ExtensionServerSource;
import io.wallaroo.flink.connect.KafkaConnectors;
import io.wallaroo.flink.connect.TcpSinkFunction;
import io.wallaroo.flink.connect.TcpServerSource;
import io.wallaroo.flink.python.AppBundle;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the application model into a Flink job. Each pipeline's source feeds an entry operator
 * (decode and the steps before the first state); each named state is one keyed operator fed by
 * every step that uses it, fed one record per batch and key group (the local engine's hash of the
 * entity key modulo the max parallelism, see {@link KeyGroupKeys}); its output
 * goes on to the next state or to the pipeline's sinks. A state chained to its one producer runs
 * inline in that producer's runner instead ({@link Layout}). Operator ids are derived from names,
 * so savepoints survive a change of parallelism.
 */
public final class JobTranslator {
    /**
     * Tunables of one job. A null wait ({@code --flush-ms}, {@code --buffer-timeout-ms} not given)
     * is chosen from the job's shape, see {@link #flushMillis()}.
     */
    public record Settings(int parallelism, int batchSize, Long flushMillis, Long bufferTimeoutMillis, int maxFrameBytes,
                           boolean exactlyOnce) {}

    /** The waits when some state is fed through a keyBy shuffle: long enough to fill its batches. */
    static final long SHUFFLED_WAIT_MILLIS = 5;
    /** The waits when every state chains to its one producer: each hop then costs its own batch only. */
    static final long CHAINED_WAIT_MILLIS = 1;

    private static final TypeInformation<Envelope> ENVELOPE = TypeInformation.of(Envelope.class);
    private static final TypeInformation<FrameChunk> FRAMES = TypeInformation.of(FrameChunk.class);

    private final Application model;
    private final AppBundle bundle;
    private final Settings settings;
    private final List<String> sinkFormats;

    public JobTranslator(Application model, AppBundle bundle, Settings settings) {
        this.model = model;
        this.bundle = bundle;
        this.settings = settings;
        this.sinkFormats = model.allSinks().stream()
                .map(s -> s.format() == SinkSpec.OutputFormat.STREAM ? "stream" : "records").toList();
    }

    /** A stream of envelopes and which targets (step codes, or sinks as -id-1) it may carry. */
    private record Producer(String name, DataStream<Envelope> stream, Set<Integer> targets, int parallelism) {

        /** This producer's envelopes for some targets, filtered in its own tasks (chained: no reordering). */
        DataStream<Envelope> to(Set<Integer> wanted, String what) {
            return stream.filter(new Targets(wanted)).name(what + " from " + name).setParallelism(parallelism);
        }
    }

    private static final int DEFAULT_KEY_GROUPS = 128;

    private int pythonOperators;
    private int keyGroups;

    /** How many Python operator instances the translated job has (operators chained into one task share a context). */
    public int pythonOperators() {
        return pythonOperators;
    }

    /**
     * Where each Python operator's steps run. A state chained to its one producer (parallelism 1,
     * one producer of parallelism 1) runs inline in that producer's runner, as on a local engine's
     * only lane: its messages are never packed, handed to Java and unpacked; its operator keeps
     * only its entities' bytes in Flink's keyed state. The producer then emits what the state's
     * steps emit. Keyed by producer name ({@code "entry <pipeline>"} or {@code "state <name>"}).
     *
     * @param runnerOf  the producer whose runner runs each operator's steps (itself, unless inline)
     * @param inline    the states each runner runs inline
     * @param feeder    each inline state's one producer, the operator it is chained to
     * @param targets   what each producer's records may carry (an inline state's: nothing)
     */
    private record Layout(Map<String, String> runnerOf, Map<String, List<String>> inline, Map<String, String> feeder,
                          Map<String, Set<Integer>> targets) {
        List<String> inlineIn(String runner) {
            return inline.getOrDefault(runner, List.of());
        }
    }

    private Layout layout;

    private Layout layout() {
        if (layout != null) {
            return layout;
        }
        Map<String, Set<Integer>> targets = new LinkedHashMap<>();
        Map<String, Integer> parallelisms = new LinkedHashMap<>();
        Map<String, String> runnerOf = new LinkedHashMap<>();
        Map<String, List<String>> inline = new LinkedHashMap<>();
        Map<String, String> feeder = new LinkedHashMap<>();
        for (Pipeline p : model.pipelines()) {
            String name = "entry " + p.name();
            targets.put(name, new LinkedHashSet<>(targetsAfter(p, -1)));
            parallelisms.put(name, entryParallelism(p));
            runnerOf.put(name, name);
        }
        for (String state : stateOrder()) {
            Set<Integer> codes = codesOf(state);
            List<String> feeding = targets.keySet().stream()
                    .filter(producer -> !java.util.Collections.disjoint(targets.get(producer), codes)).toList();
            String name = "state " + state;
            int parallelism = stateParallelism(state);
            parallelisms.put(name, parallelism);
            if (chains(feeding.stream().map(parallelisms::get).toList(), parallelism)) {
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
        layout = new Layout(runnerOf, inline, feeder, targets);
        return layout;
    }

    /**
     * Whether every state runs chained to its one producer (parallelism 1 with one pipeline per
     * state, say): then no state collects batches from a shuffle, and short waits cost no
     * throughput. Where a state is fed through keyBy, 1 ms waits made it call Python on every
     * short timer and the network buffers leave half full: 12-17% less throughput at
     * parallelism 2, with p99 doubled (docs/flink.md).
     */
    public boolean chainsEveryState() {
        return layout().feeder().size() == model.states().size();
    }

    /** The longest a partly filled batch waits for more before it goes to Python ({@code --flush-ms}). */
    public long flushMillis() {
        return settings.flushMillis() != null ? settings.flushMillis() : defaultWaitMillis();
    }

    /** The longest a partly filled network buffer waits between tasks ({@code --buffer-timeout-ms}). */
    public long bufferTimeoutMillis() {
        return settings.bufferTimeoutMillis() != null ? settings.bufferTimeoutMillis() : defaultWaitMillis();
    }

    private long defaultWaitMillis() {
        return chainsEveryState() ? CHAINED_WAIT_MILLIS : SHUFFLED_WAIT_MILLIS;
    }

    public void translate(StreamExecutionEnvironment env) {
        int n = settings.parallelism();
        env.setBufferTimeout(bufferTimeoutMillis());
        long flushMillis = flushMillis();
        keyGroups = env.getMaxParallelism() > 0 ? env.getMaxParallelism() : DEFAULT_KEY_GROUPS;
        // Operators never modify a record after emitting it nor keep one they received, so
        // chained operators (entry -> filter, state -> filter -> Kafka split) may pass records on
        // without Flink copying each through its serializer.
        env.getConfig().enableObjectReuse();
        Layout layout = layout();
        Map<String, Producer> producers = new LinkedHashMap<>();
        for (Pipeline p : model.pipelines()) {
            String name = "entry " + p.name();
            DataStream<Envelope> entry = entry(env, p, flushMillis, layout.inlineIn(name));
            producers.put(name, new Producer(name, entry, layout.targets().get(name), entry.getParallelism()));
            pythonOperators += entry.getParallelism();
        }
        // States in an order where every state's producers exist before it.
        for (String state : stateOrder()) {
            String name = "state " + state;
            Set<Integer> codes = codesOf(state);
            String feeder = layout.feeder().get(state);
            List<DataStream<Envelope>> inputs = new ArrayList<>();
            if (feeder != null) {
                // Inline: no record reaches this operator, but it is chained to the runner's task,
                // on its thread and in its context, and keeps the state's entities in keyed state.
                inputs.add(producers.get(feeder).to(codes, "to state " + state));
            } else {
                for (Producer producer : producers.values()) {
                    if (!java.util.Collections.disjoint(producer.targets(), codes)) {
                        inputs.add(producer.to(codes, "to state " + state));
                    }
                }
            }
            if (chainsToProducer(inputs, stateParallelism(state)) != (feeder != null)) {
                throw new IllegalStateException("state '" + state + "': the layout and the job graph disagree on chaining");
            }
            int parallelism = stateParallelism(state);
            String runner = layout.runnerOf().get(name);
            DataStream<Envelope> out = keyed(inputs, parallelism)
                    .transform(name, ENVELOPE, new StateOperator(bundle, sinkFormats, state, settings.batchSize(),
                            flushMillis, keyGroups, runner, layout.inlineIn(runner), feeder != null))
                    .setParallelism(parallelism).setMaxParallelism(keyGroups).uid("wallaroo-state-" + state);
            producers.put(name, new Producer(name, out, layout.targets().get(name), parallelism));
            pythonOperators += parallelism;
        }
        int sinkId = 0;
        for (Pipeline p : model.pipelines()) {
            for (SinkSpec spec : p.sinks()) {
                int id = sinkId++;
                Set<Integer> me = Set.of(-id - 1);
                List<Producer> feeding = producers.values().stream()
                        .filter(producer -> !java.util.Collections.disjoint(producer.targets(), me)).toList();
                sink(feeding, me, spec, id, p);
            }
        }
    }

    /** An unpartitioned state's one task, else the job's parallelism. */
    private int stateParallelism(String state) {
        return model.states().get(state).partitioning() instanceof StateDefinition.Single ? 1 : settings.parallelism();
    }

    private int entryParallelism(Pipeline p) {
        if (p.source() instanceof SourceSpec.Kafka) {
            return settings.parallelism(); // one entry task per source reader, chained to it
        }
        // A pipeline whose first state is unpartitioned ends on one task anyway: enter there.
        return EntryLanes.preferred(model, p, 2).isPresent() ? 1 : settings.parallelism();
    }

    private DataStream<Envelope> entry(StreamExecutionEnvironment env, Pipeline p, long flushMillis, List<String> inline) {
        int n = settings.parallelism();
        int entryParallelism = entryParallelism(p);
        DataStream<FrameChunk> frames = switch (p.source()) {
            case SourceSpec.Tcp tcp -> {
                if (!(tcp.framing().payloadLength() instanceof LengthField field)) {
                    throw new IllegalArgumentException("pipeline '" + p.name() + "': a classic decoder whose payload_length "
                            + "is not a plain struct unpack cannot run on Flink yet; give the decoder a length_fmt");
                }
                DataStream<FrameChunk> s = env.fromSource(new TcpServerSource(tcp.host(), tcp.port(),
                                tcp.framing().headerLength(), field.format(), settings.maxFrameBytes(), settings.batchSize()),
                        WatermarkStrategy.noWatermarks(), "tcp source " + p.name(), FRAMES)
                        .setParallelism(1).uid("wallaroo-source-" + p.name());
                // Every connection's frames go to one entry task, in order (as one lane locally).
                // One entry task is chained to the source: same thread, no Flink channel between.
                yield entryParallelism == 1 ? s : s.partitionCustom(new ByInlet(), new InletOf());
            }
            case SourceSpec.Kafka k -> {
                String group = k.groupId() != null ? k.groupId() : KafkaGroupIds.defaultFor(model.name(), p.name());
                yield env.fromSource(KafkaConnectors.source(k, group), WatermarkStrategy.noWatermarks(),
                        "kafka source " + p.name()).setParallelism(n).uid("wallaroo-source-" + p.name());
            }
            case SourceSpec.Extension ext -> {
                // One server task, as locally; a stream's partitions spread over the entry tasks
                // (by partition, so each partition keeps its order, also across reconnections).
                DataStream<FrameChunk> s = env.fromSource(new ExtensionServerSource(ext.host(), ext.port(), p.name(),
                                entryParallelism, settings.maxFrameBytes(), settings.batchSize()),
                        WatermarkStrategy.noWatermarks(), "extension source " + p.name(), FRAMES)
                        .setParallelism(1).uid("wallaroo-source-" + p.name());
                yield entryParallelism == 1 ? s : s.partitionCustom(new ByInlet(), new InletOf());
            }
        };
        return frames.transform("entry " + p.name(), ENVELOPE,
                        new EntryOperator(bundle, sinkFormats, p.id(), settings.batchSize(), flushMillis,
                                keyGroups, "entry " + p.name(), inline))
                .setParallelism(entryParallelism).uid("wallaroo-entry-" + p.name());
    }

    /**
     * A TCP sink (one connection) and an extension sink (one server) are one task each, fed by
     * every producer (per-key order holds, as each key comes from one producer task over one channel). A Kafka sink is written by each
     * producer's own tasks, chained, so nothing is reordered on the way.
     */
    private void sink(List<Producer> feeding, Set<Integer> me, SinkSpec spec, int id, Pipeline p) {
        String uid = "wallaroo-sink-" + p.name() + "-" + id;
        switch (spec) {
            case SinkSpec.Tcp tcp -> union(feeding.stream().map(f -> f.to(me, "to sink " + id)).toList())
                    .addSink(new TcpSinkFunction(tcp.host(), tcp.port()))
                    .name("tcp sink " + tcp.host() + ":" + tcp.port()).setParallelism(1).uid(uid);
            case SinkSpec.Kafka k -> {
                for (Producer f : feeding) {
                    String from = f.name().replaceAll("[^A-Za-z0-9._-]", "_");
                    f.to(me, "to sink " + id).flatMap(new KafkaConnectors.Split())
                            .returns(TypeInformation.of(KafkaConnectors.Record.class)).name("records for " + k.topic())
                            .setParallelism(f.parallelism())
                            .sinkTo(KafkaConnectors.sink(k, (model.name() + "-" + id + "-" + from)
                                    .replaceAll("[^A-Za-z0-9._-]", "_"), settings.exactlyOnce()))
                            .name("kafka sink " + k.topic() + " from " + f.name()).setParallelism(f.parallelism())
                            .uid(uid + "-" + from);
                }
            }
            case SinkSpec.Extension ext -> union(feeding.stream().map(f -> f.to(me, "to sink " + id)).toList())
                    .addSink(new ExtensionSinkFunction(ext.host(), ext.port(), id))
                    .name("extension sink " + ext.host() + ":" + ext.port()).setParallelism(1).uid(uid);
        }
    }

    /**
     * A state's input keyed by key group. When one task feeds a state that runs as one task, every
     * key group is already where it must be: the stream is only declared keyed, so the state
     * operator chains to its producer (same thread, no serialization, no network buffer). Else
     * Flink's keyBy shuffles each record to the task owning its key group.
     */
    private KeyedStream<Envelope, Integer> keyed(List<DataStream<Envelope>> inputs, int parallelism) {
        KeyGroupKeys keys = new KeyGroupKeys(keyGroups);
        if (chainsToProducer(inputs, parallelism)) {
            return DataStreamUtils.reinterpretAsKeyedStream(inputs.get(0), keys, BasicTypeInfo.INT_TYPE_INFO);
        }
        return union(inputs).keyBy(keys, BasicTypeInfo.INT_TYPE_INFO);
    }

    /** Whether a state of this parallelism fed by these inputs chains to its producer ({@link #keyed}). */
    private static boolean chainsToProducer(List<DataStream<Envelope>> inputs, int parallelism) {
        return chains(inputs.stream().map(DataStream::getParallelism).toList(), parallelism);
    }

    /** Whether a state of this parallelism, fed by producers of these parallelisms, chains to its producer. */
    private static boolean chains(List<Integer> producerParallelisms, int parallelism) {
        // -Dwallaroo.flink.keyByAlways=true measures what the chaining saves (docs/flink.md).
        return parallelism == 1 && producerParallelisms.equals(List.of(1))
                && !Boolean.getBoolean("wallaroo.flink.keyByAlways");
    }

    private static DataStream<Envelope> union(List<DataStream<Envelope>> inputs) {
        DataStream<Envelope> first = inputs.get(0);
        if (inputs.size() == 1) {
            return first;
        }
        @SuppressWarnings("unchecked")
        DataStream<Envelope>[] rest = inputs.subList(1, inputs.size()).toArray(new DataStream[0]);
        return first.union(rest);
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
        Set<Integer> targets = new LinkedHashSet<>();
        for (int code : codes) {
            targets.addAll(targetsAfter(model.pipelines().get(code / 4096), code % 4096));
        }
        return targets;
    }

    private Set<Integer> codesOf(String state) {
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

    /** States such that a state comes after every state feeding it; a cycle is a clear error. */
    private List<String> stateOrder() {
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

    private void visit(String s, Map<String, Set<String>> feeds, Set<String> visiting, List<String> order) {
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

    static final class Targets implements FilterFunction<Envelope> {
        private final int[] targets;

        Targets(Set<Integer> targets) {
            this.targets = targets.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public boolean filter(Envelope e) {
            for (int t : targets) {
                if (e.target == t) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class InletOf implements KeySelector<FrameChunk, Integer> {
        @Override
        public Integer getKey(FrameChunk c) {
            return c.inlet;
        }
    }

    static final class ByInlet implements Partitioner<Integer> {
        @Override
        public int partition(Integer inlet, int partitions) {
            return Math.floorMod(inlet, partitions);
        }
    }
}
