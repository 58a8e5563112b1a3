package io.wallaroo.engine.topology;

import java.util.List;

/** Where a pipeline's output goes. */
public sealed interface SinkSpec permits SinkSpec.Tcp, SinkSpec.Kafka, SinkSpec.Extension {

    /** How encoded messages for this sink are laid out in a {@link io.wallaroo.engine.connector.SinkChunk}. */
    OutputFormat format();

    enum OutputFormat {
        /** The encoder's bytes concatenated, as they go on the wire. */
        STREAM,
        /** Length-prefixed (key, value) records, see {@link io.wallaroo.engine.connector.SinkRecords}. */
        RECORDS
    }

    /** A TCP client to host:port; the encoder's bytes are written as they are. */
    record Tcp(String host, int port) implements SinkSpec {
        public OutputFormat format() { return OutputFormat.STREAM; }
    }

    /** A Kafka producer; the encoder returns (value, key). */
    record Kafka(String topic, List<HostPort> brokers, String logLevel, int maxProduceBufferMs, int maxMessageSize)
            implements SinkSpec {
        public Kafka {
            brokers = List.copyOf(brokers);
        }
        public OutputFormat format() { return OutputFormat.RECORDS; }
    }

    /** A server that external sink scripts ({@code wallaroo.experimental.SinkExtension}) connect to. */
    record Extension(String host, int port) implements SinkSpec {
        public OutputFormat format() { return OutputFormat.RECORDS; }
    }
}
