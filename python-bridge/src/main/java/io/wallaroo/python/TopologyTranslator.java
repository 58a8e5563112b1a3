package io.wallaroo.python;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.engine.topology.HostPort;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;
import org.graalvm.polyglot.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Reads the plain description made by {@code wallaroo._bridge.describe} into the engine's model. */
final class TopologyTranslator {
    private TopologyTranslator() {}

    static Application translate(Value d, IntFunction<Framing.PayloadLength> customLength) {
        List<Pipeline> pipelines = new ArrayList<>();
        Value ps = get(d, "pipelines");
        for (int i = 0; i < ps.getArraySize(); i++) {
            Value p = ps.getArrayElement(i);
            String name = str(p, "name");
            List<Step> steps = new ArrayList<>();
            Value ss = get(p, "steps");
            for (int k = 0; k < ss.getArraySize(); k++) {
                Value s = ss.getArrayElement(k);
                Value state = get(s, "state");
                steps.add(state.isNull()
                        ? new Step.Stateless(str(s, "name"), bool(s, "multi"), bool(s, "parallel"))
                        : new Step.Stateful(str(s, "name"), bool(s, "multi"), state.asString()));
            }
            List<SinkSpec> sinks = new ArrayList<>();
            Value ks = get(p, "sinks");
            for (int k = 0; k < ks.getArraySize(); k++) {
                sinks.add(sink(ks.getArrayElement(k)));
            }
            int id = i;
            pipelines.add(new Pipeline(i, name, source(get(p, "source"), name, () -> customLength.apply(id)), steps, sinks));
        }
        Map<String, StateDefinition> states = new LinkedHashMap<>();
        Value sts = get(d, "states");
        for (int i = 0; i < sts.getArraySize(); i++) {
            Value s = sts.getArrayElement(i);
            Value partition = get(s, "partition");
            StateDefinition.Partitioning partitioning = partition.isNull()
                    ? new StateDefinition.Single()
                    : new StateDefinition.Keyed(partition.asString(), bool(s, "u64"), get(s, "keys").asInt());
            states.put(str(s, "name"), new StateDefinition(str(s, "name"), str(s, "factory"), partitioning));
        }
        return new Application(str(d, "name"), pipelines, states);
    }

    private static SourceSpec source(Value s, String pipeline, java.util.function.Supplier<Framing.PayloadLength> custom) {
        String kind = str(s, "kind");
        return switch (kind) {
            case "tcp" -> {
                int header = get(s, "header_length").asInt();
                Value fmt = get(s, "length_fmt");
                Framing framing = fmt.isNull() ? new Framing(header, custom.get()) : Framing.of(header, fmt.asString());
                yield new SourceSpec.Tcp(str(s, "host"), get(s, "port").asInt(), framing);
            }
            case "kafka" -> new SourceSpec.Kafka(str(s, "topic"), brokers(get(s, "brokers")), str(s, "log_level"),
                    get(s, "group_id").isNull() ? null : str(s, "group_id"));
            case "extension" -> new SourceSpec.Extension(str(s, "host"), get(s, "port").asInt());
            default -> throw new IllegalArgumentException("pipeline '" + pipeline + "' has a source of unknown kind '" + kind + "'");
        };
    }

    private static SinkSpec sink(Value s) {
        String kind = str(s, "kind");
        return switch (kind) {
            case "tcp" -> new SinkSpec.Tcp(str(s, "host"), get(s, "port").asInt());
            case "kafka" -> new SinkSpec.Kafka(str(s, "topic"), brokers(get(s, "brokers")), str(s, "log_level"),
                    get(s, "max_produce_buffer_ms").asInt(), get(s, "max_message_size").asInt());
            case "extension" -> new SinkSpec.Extension(str(s, "host"), get(s, "port").asInt());
            default -> throw new IllegalArgumentException("a sink of unknown kind '" + kind + "'");
        };
    }

    private static List<HostPort> brokers(Value list) {
        List<HostPort> out = new ArrayList<>();
        for (int i = 0; i < list.getArraySize(); i++) {
            out.add(HostPort.parse(list.getArrayElement(i).asString()));
        }
        return out;
    }

    private static Value get(Value dict, String key) {
        Value v = dict.getHashValue(key);
        if (v == null) {
            throw new IllegalStateException("application description lacks '" + key + "'");
        }
        return v;
    }

    private static String str(Value dict, String key) {
        return get(dict, key).asString();
    }

    private static boolean bool(Value dict, String key) {
        return get(dict, key).asBoolean();
    }
}
