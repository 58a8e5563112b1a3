package io.wallaroo.kafka.local;

/** A Kafka record with UTF-8 text key and value; {@code partition} is -1 for one not yet written. */
public record TextRecord(int partition, String key, String value) {
    public static TextRecord of(String key, String value) {
        return new TextRecord(-1, key, value);
    }
}
