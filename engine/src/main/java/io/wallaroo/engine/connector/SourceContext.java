package io.wallaroo.engine.connector;

import io.wallaroo.engine.EngineSettings;

/** What the runtime offers a source. */
public interface SourceContext {
    /**
     * Opens an ordered stream of batches, such as one TCP connection or one Kafka partition. All
     * batches of one inlet go to the same lane in order, which keeps per-key order. The runtime
     * calls {@code flow} to pause and resume this input when lanes fall behind.
     */
    Inlet openInlet(String description, FlowControl flow);

    EngineSettings settings();
}
