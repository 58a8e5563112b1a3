package io.wallaroo.engine.connector;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.Metrics;
import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;

import java.time.Duration;
import java.util.Optional;

/** Turns the topology's source and sink descriptions into running connectors. */
public interface ConnectorFactory {
    /**
     * Called once by the engine before it creates any connector, with what connectors may need
     * beyond their own spec: the application (a Kafka source names its consumer group after it)
     * and the engine's counters (a Kafka sink counts records it had to drop).
     */
    default void prepare(Application application, Metrics metrics) {}

    /**
     * With snapshots on: the output whose transactions commit with snapshots (exactly-once
     * sinks), or empty when every sink delivers at least once. Called once, after
     * {@link #prepare} and before any sink is created.
     */
    default Optional<TransactionalOutput> transactionalOutput(Application application, Duration snapshotInterval,
                                                              EngineSettings settings) {
        return Optional.empty();
    }

    Source source(Pipeline pipeline, EngineSettings settings);

    Sink sink(SinkSpec spec, int sinkId, EngineSettings settings);
}
