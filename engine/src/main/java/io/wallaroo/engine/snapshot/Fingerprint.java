package io.wallaroo.engine.snapshot;

import io.wallaroo.engine.topology.Application;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;
import io.wallaroo.engine.topology.SourceSpec;
import io.wallaroo.engine.topology.StateDefinition;
import io.wallaroo.engine.topology.Step;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a snapshot must agree on with the application that restores it: pipelines, their steps
 * and states, partitioning, and the kind of every source and sink (a Kafka source's topic, since
 * its offsets are in the snapshot). One line per fact, so a mismatch can be named line by line.
 * Addresses and the lane count are left out: they may change between runs.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(Application app) {
        List<String> lines = new ArrayList<>();
        lines.add("application " + app.name());
        for (Pipeline p : app.pipelines()) {
            StringBuilder steps = new StringBuilder();
            for (Step s : p.steps()) {
                steps.append(steps.isEmpty() ? "" : ", ").append(s.name());
                if (s instanceof Step.Stateful st) {
                    steps.append(" on state ").append(st.stateName());
                }
            }
            List<String> sinks = p.sinks().stream().map(Fingerprint::sink).toList();
            lines.add("pipeline " + p.name() + ": source " + source(p.source()) + "; steps [" + steps + "]; sinks " + sinks);
        }
        for (StateDefinition s : new TreeMap<>(app.states()).values()) {
            String partitioning = switch (s.partitioning()) {
                case StateDefinition.Single single -> "not partitioned";
                case StateDefinition.Keyed k -> "partitioned by " + k.partitionFunction() + (k.u64() ? " (u64 keys)" : "");
            };
            lines.add("state " + s.name() + ": class " + s.stateClass() + ", " + partitioning);
        }
        return String.join("\n", lines);
    }

    private static String source(SourceSpec spec) {
        return switch (spec) {
            case SourceSpec.Tcp t -> "tcp";
            case SourceSpec.Kafka k -> "kafka topic " + k.topic();
            case SourceSpec.Extension e -> "extension";
        };
    }

    private static String sink(SinkSpec spec) {
        return switch (spec) {
            case SinkSpec.Tcp t -> "tcp";
            case SinkSpec.Kafka k -> "kafka topic " + k.topic();
            case SinkSpec.Extension e -> "extension";
        };
    }

    /** An error message naming what differs and how to start fresh. */
    static String describeDifference(String saved, String current, Path dir) {
        Set<String> savedLines = new LinkedHashSet<>(List.of(saved.split("\n")));
        Set<String> currentLines = new LinkedHashSet<>(List.of(current.split("\n")));
        List<String> onlySaved = savedLines.stream().filter(l -> !currentLines.contains(l)).toList();
        List<String> onlyCurrent = currentLines.stream().filter(l -> !savedLines.contains(l)).toList();
        StringBuilder msg = new StringBuilder("the resilience directory " + dir.toAbsolutePath()
                + " holds snapshots of a different application or topology, so its state cannot be restored here.");
        for (String l : onlySaved) {
            msg.append("\n  snapshot has:  ").append(l);
        }
        for (String l : onlyCurrent) {
            msg.append("\n  this run has:  ").append(l);
        }
        msg.append("\nTo start fresh, delete or rename that directory (or pass another --resilience-dir);"
                + " to keep the state, run the application as it was when the snapshots were written.");
        return msg.toString();
    }
}
