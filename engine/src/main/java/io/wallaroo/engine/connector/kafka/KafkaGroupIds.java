package io.wallaroo.engine.connector.kafka;

import java.util.Locale;

/**
 * The consumer group a Kafka source commits its offsets under when the application does not name
 * one: derived from the application and pipeline names, so the same application finds its
 * offsets again after a restart and two applications reading one topic do not share progress.
 */
public final class KafkaGroupIds {
    private KafkaGroupIds() {}

    /** For example "wallaroo.celsius-conversion.convert" for application "Celsius Conversion", pipeline "convert". */
    public static String defaultFor(String application, String pipeline) {
        return "wallaroo." + slug(application) + "." + slug(pipeline);
    }

    /** Lower case, anything but letters and digits becomes one '-': readable in Kafka's tools and shell-safe. */
    static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "unnamed" : slug;
    }
}
