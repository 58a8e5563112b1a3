package io.wallaroo.engine.connector;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.connector.extension.ExtensionSink;
import io.wallaroo.engine.connector.extension.ExtensionSource;
import io.wallaroo.engine.connector.kafka.KafkaGroupIds;
import io.wallaroo.engine.connector.kafka.KafkaOptions;
import io.wallaroo.engine.connector.kafka.KafkaSink;
import io.wallaroo.engine.connector.kafka.KafkaSource;
import io.wallaroo.engine.connector.kafka.KafkaTransactions;
import io.wallaroo.engine.connector.tcp.TcpSink;
import io.wallaroo.engine.connector.tcp.TcpSource;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The connectors this engine ships, chosen by the kind of source or sink spec. */
public final class Connectors implements ConnectorFactory {
    private final KafkaOptions kafka;
    private String applicationName = "wallaroo";
    private Metrics metrics = new Metrics();
    private KafkaTransactions transactions; // exactly-once Kafka sinks, once the engine asked for them

    public Connectors() {
        this(KafkaOptions.defaults());
    }

    public Connectors(KafkaOptions kafka) {
        this.kafka = kafka;
    }

    @Override
    public void prepare(Application application, Metrics metrics) {
        this.applicationName = application.name();
        this.metrics = metrics;
    }

    /** With {@link KafkaOptions#exactlyOnce()}: one transactional producer for every Kafka sink. */
    @Override
    public Optional<TransactionalOutput> transactionalOutput(Application application, Duration snapshotInterval,
                                                             EngineSettings settings) {
        if (!kafka.exactlyOnce()) {
            return Optional.empty();
        }
        List<SinkSpec.Kafka> kafkaSinks = application.allSinks().stream()
                .filter(SinkSpec.Kafka.class::isInstance).map(SinkSpec.Kafka.class::cast).toList();
        if (kafkaSinks.isEmpty()) {
            return Optional.empty();
        }
        transactions = new KafkaTransactions(application.name(), kafkaSinks, snapshotInterval, kafka, metrics,
                settings.sinkBufferBytes());
        return Optional.of(transactions);
    }

    @Override
    public Source source(Pipeline pipeline, EngineSettings settings) {
        return switch (pipeline.source()) {
            case SourceSpec.Tcp tcp -> new TcpSource(tcp.host(), tcp.port(), tcp.framing());
            case SourceSpec.Kafka k -> new KafkaSource(k, pipeline.name(),
                    k.groupId() != null ? k.groupId() : KafkaGroupIds.defaultFor(applicationName, pipeline.name()), kafka)
                    .reportLagAs(metrics, "source." + pipeline.id());
            case SourceSpec.Extension ext -> new ExtensionSource(ext.host(), ext.port(), pipeline.name());
        };
    }

    @Override
    public Sink sink(SinkSpec spec, int sinkId, EngineSettings settings) {
        return switch (spec) {
            case SinkSpec.Tcp tcp -> new TcpSink(tcp.host(), tcp.port(), settings.sinkBufferBytes());
            case SinkSpec.Kafka k -> {
                if (kafka.exactlyOnce() && transactions == null) {
                    throw new IllegalStateException("exactly-once Kafka output needs snapshots: start with --resilience-dir DIR");
                }
                yield new KafkaSink(k, sinkId, settings.sinkBufferBytes(), kafka, metrics).transactional(transactions);
            }
            case SinkSpec.Extension ext -> new ExtensionSink(ext.host(), ext.port(), settings.sinkBufferBytes(), sinkId);
        };
    }
}
