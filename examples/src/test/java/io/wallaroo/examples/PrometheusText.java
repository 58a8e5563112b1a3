package io.wallaroo.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads samples out of a Prometheus text exposition, keyed by the series as written (name and labels). */
final class PrometheusText {
    private final Map<String, Double> samples = new LinkedHashMap<>();

    PrometheusText(String body) {
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** The value of the series {@code series} (for example {@code wallaroo_lanes} or {@code x{a="b"}}), or NaN. */
    double get(String series) {
        return samples.getOrDefault(series, Double.NaN);
    }

    /** Sum of every series of {@code name} whose labels contain all of {@code labelParts}. */
    double sum(String name, String... labelParts) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            String bare = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (!bare.equals(name)) {
                continue;
            }
            boolean all = true;
            for (String part : labelParts) {
                all &= key.contains(part);
            }
            if (all) {
                total += e.getValue();
            }
        }
        return total;
    }

    Map<String, Double> samples() {
        return samples;
    }
}
