package io.wallaroo.engine.topology;

import java.util.List;

/** Where a pipeline's messages come from. Connectors turn these into running sources. */
public sealed interface SourceSpec permits SourceSpec.Tcp, SourceSpec.Kafka, SourceSpec.Extension {

    /** A TCP server on host:port; the byte stream is cut into frames by {@code framing}. */
    record Tcp(String host, int port, Framing framing) implements SourceSpec {}

    /** Every partition of a Kafka topic; one record is one message (no length header). */
    record Kafka(String topic, List<HostPort> brokers, String logLevel, String groupId) implements SourceSpec {
        public Kafka {
            brokers = List.copyOf(brokers);
        }
    }

    /** A server that external source scripts ({@code wallaroo.experimental.SourceExtension}) connect to. */
    record Extension(String host, int port) implements SourceSpec {}
}
