package io.wallaroo.engine.connector;

import io.wallaroo.engine.runtime.EngineSettings;
import io.wallaroo.engine.topology.Pipeline;
import io.wallaroo.engine.topology.SinkSpec;

/** Turns the topology's source and sink descriptions into running connectors. */
public interface ConnectorFactory {
    Source source(Pipeline pipeline, EngineSettings settings);

    Sink sink(SinkSpec spec, int sinkId, EngineSettings settings);
}
