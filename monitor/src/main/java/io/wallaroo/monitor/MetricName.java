package io.wallaroo.monitor;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the runtime's dotted counter names to Prometheus families with labels, so a counter
 * anyone adds to {@link io.wallaroo.engine.Metrics} is exported without more code.
 *
 * <p>Rules: {@code errors.STEP} is a step's error count; {@code step.P.S.messages} the messages
 * that entered step S of pipeline P; {@code routed.A.B.messages} is the
 * messages lane A routed to lane B; otherwise each all-digit segment becomes a label named after
 * the segment before it ({@code sink.0.messages} becomes {@code wallaroo_sink_messages{sink="0"}}),
 * and sources and sinks also get their pipeline's name.
 */
record MetricName(String family, Map<String, String> labels) {

    static MetricName of(String raw, Application app) {
        if (raw.equals("errors.total")) {
            return new MetricName("wallaroo_errors", Map.of());
        }
        if (raw.startsWith("errors.")) {
            return new MetricName("wallaroo_step_errors", Map.of("step", raw.substring("errors.".length())));
        }
        String[] parts = raw.split("\\.");
        if (parts.length == 4 && parts[0].equals("routed") && digits(parts[1]) && digits(parts[2])) {
            return new MetricName("wallaroo_routed_" + sanitize(parts[3]), Map.of("from_lane", parts[1], "to_lane", parts[2]));
        }
        if (parts.length == 4 && parts[0].equals("step") && digits(parts[1]) && digits(parts[2]) && parts[3].equals("messages")) {
            return stepMessages(app, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }
        if (raw.equals("routed.messages")) {
            return new MetricName("wallaroo_routed_messages_all_lanes", Map.of());
        }
        List<String> nameParts = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        String previous = "id";
        for (String part : parts) {
            if (digits(part)) {
                String label = labels.containsKey(previous) ? previous + "_" + labels.size() : previous;
                labels.put(label, part);
            } else {
                nameParts.add(sanitize(part));
                previous = sanitize(part);
            }
        }
        if (parts.length >= 2 && digits(parts[1])) {
            int id = Integer.parseInt(parts[1]);
            if (parts[0].equals("source") || parts[0].equals("pipeline")) {
                pipelineName(app, id).ifPresent(n -> labels.put("pipeline", n));
            } else if (parts[0].equals("sink")) {
                sinkPipeline(app, id).ifPresent(n -> labels.put("pipeline", n));
            }
        }
        return new MetricName("wallaroo_" + String.join("_", nameParts), Map.copyOf(labels));
    }

    /**
     * {@code step.P.S.messages}: messages that entered step S of pipeline P, labelled with the step's
     * name (as {@code wallaroo_step_errors} is) and index; S past the last step is the pipeline's sinks.
     */
    private static MetricName stepMessages(Application app, int pipelineId, int stepIndex) {
        Pipeline p = app.pipelines().stream().filter(q -> q.id() == pipelineId).findFirst().orElse(null);
        String pipeline = p == null ? Integer.toString(pipelineId) : p.name();
        if (p != null && stepIndex >= p.steps().size()) {
            return new MetricName("wallaroo_pipeline_messages_to_sinks", Map.of("pipeline", pipeline));
        }
        String step = p == null ? Integer.toString(stepIndex) : p.steps().get(stepIndex).name();
        return new MetricName("wallaroo_step_messages_in",
                Map.of("pipeline", pipeline, "step", step, "index", Integer.toString(stepIndex)));
    }

    static java.util.Optional<String> pipelineName(Application app, int id) {
        return app.pipelines().stream().filter(p -> p.id() == id).map(Pipeline::name).findFirst();
    }

    static java.util.Optional<String> sinkPipeline(Application app, int sinkId) {
        int at = 0;
        for (Pipeline p : app.pipelines()) {
            if (sinkId < at + p.sinks().size()) {
                return java.util.Optional.of(p.name());
            }
            at += p.sinks().size();
        }
        return java.util.Optional.empty();
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    static String sanitize(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_]", "_");
        return clean.isEmpty() ? "_" : clean;
    }
}
