package io.wallaroo.engine.connector.kafka;

import java.time.Duration;

/**
 * Engine-wide Kafka settings that are not part of an application's topology.
 *
 * @param startupTimeout how long a Kafka source or sink waits for its brokers to answer when the
 *                       engine starts; after that the engine refuses to start and names the
 *                       brokers. The launcher sets it with {@code --kafka-startup-timeout}.
 * @param closeTimeout   how long a source waits at shutdown for the effects of records it already
 *                       handed over, so their offsets can still be committed
 * @param exactlyOnce    Kafka sinks write in transactions committed with each snapshot (needs
 *                       snapshots on); the launcher sets it with {@code --kafka-sink-delivery}.
 *                       See {@link KafkaTransactions}.
 */
public record KafkaOptions(Duration startupTimeout, Duration closeTimeout, boolean exactlyOnce) {

    public static KafkaOptions defaults() {
        return new KafkaOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), false);
    }

    public KafkaOptions withStartupTimeout(Duration timeout) {
        return new KafkaOptions(timeout, closeTimeout, exactlyOnce);
    }

    public KafkaOptions withExactlyOnce(boolean on) {
        return new KafkaOptions(startupTimeout, closeTimeout, on);
    }
}
