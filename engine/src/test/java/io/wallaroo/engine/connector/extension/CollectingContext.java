package io.wallaroo.engine.connector.extension;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.SourceContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A SourceContext that records what each inlet delivers, in order, as text. */
final class CollectingContext implements SourceContext {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<String> inlets = new CopyOnWriteArrayList<>();
    final List<FlowControl> flows = new CopyOnWriteArrayList<>();
    final List<String> closedInlets = new CopyOnWriteArrayList<>();
    private final EngineSettings settings;
    /** When set, the first delivered batch pauses its inlet, as the runtime's gate would. */
    volatile boolean pauseOnFirstBatch;

    CollectingContext(EngineSettings settings) {
        this.settings = settings;
    }

    @Override
    public Inlet openInlet(String description, FlowControl flow) {
        inlets.add(description);
        flows.add(flow);
        return new Inlet() {
            @Override
            public void deliver(FrameBatch batch) {
                List<String> texts = new ArrayList<>();
                int at = 0;
                for (int i = 0; i < batch.count(); i++) {
                    texts.add(new String(batch.data(), at, batch.lengths()[i], StandardCharsets.UTF_8));
                    at += batch.lengths()[i];
                }
                messages.addAll(texts);
                if (pauseOnFirstBatch) {
                    pauseOnFirstBatch = false;
                    flow.pause();
                }
            }

            @Override
            public void close() {
                closedInlets.add(description);
            }
        };
    }

    @Override
    public EngineSettings settings() {
        return settings;
    }

    /** Waits until at least {@code n} messages arrived; returns them. */
    List<String> await(int n, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (messages.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return List.copyOf(messages);
    }
}
