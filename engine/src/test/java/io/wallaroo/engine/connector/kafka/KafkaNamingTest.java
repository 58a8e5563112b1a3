package io.wallaroo.engine.connector.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How Wallaroo's names and levels become Kafka's. */
class KafkaNamingTest {

    @Test
    void defaultGroupIdIsNamedAfterApplicationAndPipeline() {
        assertEquals("wallaroo.celsius-to-fahrenheit.convert-readings",
                KafkaGroupIds.defaultFor("Celsius to Fahrenheit!", "Convert  readings"));
        assertEquals("wallaroo.unnamed.p1", KafkaGroupIds.defaultFor("???", "p1"));
    }

    @Test
    void wallarooLogLevelsMapOntoSlf4jLevels() {
        assertEquals("debug", KafkaLogLevel.slf4jLevel("Fine"));
        assertEquals("info", KafkaLogLevel.slf4jLevel("Info"));
        assertEquals("warn", KafkaLogLevel.slf4jLevel("Warn"));
        assertEquals("error", KafkaLogLevel.slf4jLevel("Error"));
        assertEquals("warn", KafkaLogLevel.slf4jLevel(null));
    }
}
