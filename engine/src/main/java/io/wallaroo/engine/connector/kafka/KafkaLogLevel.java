package io.wallaroo.engine.connector.kafka;

import java.util.Locale;

/**
 * Maps a Wallaroo Kafka {@code log_level} (Fine, Info, Warn, Error) onto the Kafka client's
 * logging.
 *
 * <p>The client logs through slf4j under logger names starting with {@code org.apache.kafka}, and
 * the launcher's binding is slf4j-simple, which fixes a logger's level when the logger is first
 * created from the system property {@value #PROPERTY}. Client loggers are per class, not per
 * client, so the level is process-wide: the first Kafka source or sink the engine starts (sinks
 * start before sources) sets it. Setting the property yourself (for example
 * {@code WALLAROO_JAVA_OPTS=-Dorg.slf4j.simpleLogger.log.org.apache.kafka=debug}) takes precedence.
 */
final class KafkaLogLevel {
    static final String PROPERTY = "org.slf4j.simpleLogger.log.org.apache.kafka";

    private KafkaLogLevel() {}

    /** The slf4j level for a Wallaroo level; Fine is Wallaroo's most detailed level. */
    static String slf4jLevel(String wallarooLevel) {
        return switch (wallarooLevel == null ? "" : wallarooLevel.toLowerCase(Locale.ROOT)) {
            case "fine" -> "debug";
            case "info" -> "info";
            case "error" -> "error";
            default -> "warn";
        };
    }

    /** Must run before the first Kafka client is created, or the client's loggers are already fixed. */
    static synchronized void apply(String wallarooLevel) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, slf4jLevel(wallarooLevel));
        }
    }
}
