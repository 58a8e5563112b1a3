package io.wallaroo.engine.connector;

import io.wallaroo.engine.connector.tcp.TcpSink;
import io.wallaroo.engine.connector.tcp.TcpSource;
import io.wallaroo.engine.runtime.EngineSettings;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;

/** The connectors this engine ships, chosen by the kind of source or sink spec. */
public final class Connectors implements ConnectorFactory {

    @Override
    public Source source(Pipeline pipeline, EngineSettings settings) {
        return switch (pipeline.source()) {
            case SourceSpec.Tcp tcp -> new TcpSource(tcp.host(), tcp.port(), tcp.framing());
            case SourceSpec.Kafka kafka -> throw new UnsupportedOperationException(
                    "Kafka sources are not available in this build (pipeline '" + pipeline.name() + "')");
            case SourceSpec.Extension ext -> throw new UnsupportedOperationException(
                    "source extensions are not available in this build (pipeline '" + pipeline.name() + "')");
        };
    }

    @Override
    public Sink sink(SinkSpec spec, int sinkId, EngineSettings settings) {
        return switch (spec) {
            case SinkSpec.Tcp tcp -> new TcpSink(tcp.host(), tcp.port(), settings.sinkBufferBytes());
            case SinkSpec.Kafka kafka -> throw new UnsupportedOperationException("Kafka sinks are not available in this build");
            case SinkSpec.Extension ext -> throw new UnsupportedOperationException("sink extensions are not available in this build");
        };
    }
}
