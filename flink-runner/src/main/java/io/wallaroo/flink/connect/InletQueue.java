package io.wallaroo.flink.connect;

import io.wallaroo.engine.EngineSettings;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.api.connector.source.ReaderOutput;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime side a local-engine source ({@code TcpSource}, {@code ExtensionSource}) expects,
 * offered by a Flink source reader: every inlet the source opens gets a number, its batches
 * queue up here with that number, and the reader takes them one by one on its task's thread and
 * emits them. When the queue grows long the inlets are paused (the source stops reading its
 * sockets) until the reader has caught up.
 */
final class InletQueue implements SourceContext {
    private static final int PAUSE_AT = 64;
    private static final int RESUME_AT = 16;

    /** A batch from one inlet; {@code positionsAfter} is null unless the source reports positions. */
    record Item(FrameChunk chunk, Map<String, Long> positionsAfter) {}

    private record Queued(int inlet, FrameBatch batch, Map<String, Long> positionsAfter) {}

    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final List<FlowControl> paused = new CopyOnWriteArrayList<>();
    private final AtomicInteger inlets = new AtomicInteger();
    private final EngineSettings settings;
    private volatile CompletableFuture<Void> available = new CompletableFuture<>();

    /** {@code groups}: how many inlets a source may spread one stream over (the engine's lanes). */
    InletQueue(int groups, int maxFrameBytes, int batchMessages) {
        this.settings = EngineSettings.defaults(groups).withMaxFrameBytes(maxFrameBytes).withBatchMessages(batchMessages);
    }

    @Override
    public Inlet openInlet(String description, FlowControl flow) {
        int id = inlets.getAndIncrement();
        return new Inlet() {
            @Override
            public void deliver(FrameBatch batch) {
                deliver(batch, null);
            }

            @Override
            public void deliver(FrameBatch batch, Map<String, Long> positionsAfter) {
                queue.add(new Queued(id, batch, positionsAfter));
                available.complete(null);
                if (queue.size() >= PAUSE_AT) {
                    flow.pause();
                    paused.add(flow);
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public EngineSettings settings() {
        return settings;
    }

    /**
     * Completes once a batch is queued (at once if one is): a Flink source reader's
     * {@code isAvailable}, so its task waits for input without polling. Until it completes, every
     * call returns the same future: the task may ask more than once and wait on the first answer.
     */
    CompletableFuture<Void> available() {
        if (!queue.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> current = available;
        if (current.isDone()) {
            current = new CompletableFuture<>();
            available = current;
            if (!queue.isEmpty()) { // queued while the futures were swapped: deliver completed the old one
                current.complete(null);
            }
        }
        return current;
    }

    /** Emits the next batch to {@code output} and returns it, or null if none is queued (the reader then waits on {@link #available}). */
    Item emitNext(ReaderOutput<FrameChunk> output) {
        Item item = poll();
        if (item != null) {
            output.collect(item.chunk());
        }
        return item;
    }

    /** The next batch, copied out, or null if none is queued. */
    private Item poll() {
        Queued q = queue.poll();
        Item item = null;
        if (q != null) {
            FrameBatch b = q.batch();
            item = new Item(new FrameChunk(q.inlet(), Arrays.copyOf(b.data(), b.dataLength()),
                    Arrays.copyOf(b.lengths(), b.count())), q.positionsAfter());
            b.completion().release();
        }
        if (!paused.isEmpty() && queue.size() <= RESUME_AT) {
            for (FlowControl flow : paused) {
                flow.resume();
            }
            paused.clear();
        }
        return item;
    }
}
