package io.wallaroo.engine.connector.kafka;

/** A Kafka source or sink could not reach its brokers when the engine started. */
public final class KafkaUnavailableException extends RuntimeException {
    public KafkaUnavailableException(String message) {
        super(message);
    }
}
