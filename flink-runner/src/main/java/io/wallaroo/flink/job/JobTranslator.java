package io.wallaroo.flink.job;

import io.wallaroo.engine.connector.kafka.KafkaGroupIds;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.LengthField;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the application model into a Flink job. Each pipeline's source feeds an entry operator
 * (decode and the steps before the first state); each named state is one keyed operator fed by
 * every step that uses it, fed one record per batch and key group (the local engine's hash of the
 * entity key modulo the max parallelism, see {@link KeyGroupKeys}); its output
 * goes on to the next state or to the pipeline's sinks. A state chained to its one producer runs
 * inline in that producer's runner instead ({@link JobLayout}). Operator ids are derived from names,
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

    private JobLayout layout;

    /** Worked out on first use: a topology Flink cannot run (a cycle) fails there, with its reason. */
    private JobLayout layout() {
        if (layout == null) {
            layout = new JobLayout(model, settings.parallelism());
        }
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
        return layout().chainsEveryState();
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
        env.setBufferTimeout(bufferTimeoutMillis());
        long flushMillis = flushMillis();
        keyGroups = env.getMaxParallelism() > 0 ? env.getMaxParallelism() : DEFAULT_KEY_GROUPS;
        // Operators never modify a record after emitting it nor keep one they received, so
        // chained operators (entry -> filter, state -> filter -> Kafka split) may pass records on
        // without Flink copying each through its serializer.
        env.getConfig().enableObjectReuse();
        JobLayout layout = layout();
        Map<String, Producer> producers = new LinkedHashMap<>();
        for (Pipeline p : model.pipelines()) {
            String name = JobLayout.entryName(p);
            DataStream<Envelope> entry = entry(env, p, flushMillis, layout.inlineIn(name));
            producers.put(name, new Producer(name, entry, layout.targets(name), entry.getParallelism()));
            pythonOperators += entry.getParallelism();
        }
        // States in an order where every state's producers exist before it.
        for (String state : layout.stateOrder()) {
            String name = JobLayout.stateName(state);
            Set<Integer> codes = layout.codesOf(state);
            String feeder = layout.feeder(state);
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
            int parallelism = layout.stateParallelism(state);
            if (chainsToProducer(inputs, parallelism) != (feeder != null)) {
                throw new IllegalStateException("state '" + state + "': the layout and the job graph disagree on chaining");
            }
            String runner = layout.runnerOf(name);
            DataStream<Envelope> out = keyed(inputs, parallelism)
                    .transform(name, ENVELOPE, new StateOperator(bundle, sinkFormats, state, settings.batchSize(),
                            flushMillis, keyGroups, runner, layout.inlineIn(runner), feeder != null))
                    .setParallelism(parallelism).setMaxParallelism(keyGroups).uid("wallaroo-state-" + state);
            producers.put(name, new Producer(name, out, layout.targets(name), parallelism));
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

    private DataStream<Envelope> entry(StreamExecutionEnvironment env, Pipeline p, long flushMillis, List<String> inline) {
        int n = settings.parallelism();
        int entryParallelism = layout().entryParallelism(p);
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
        return JobLayout.chains(inputs.stream().map(DataStream::getParallelism).toList(), parallelism);
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
