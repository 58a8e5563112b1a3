package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.SourceContext;
import io.wallaroo.engine.connector.tcp.TcpSource;
import io.wallaroo.engine.runtime.EngineSettings;
import io.wallaroo.engine.runtime.FrameBatch;
import io.wallaroo.engine.topology.Framing;
import io.wallaroo.flink.job.FrameChunk;
import org.apache.flink.streaming.api.functions.source.legacy.RichSourceFunction;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local engine's TCP server ({@link TcpSource}: framing, per-connection order, back-pressure)
 * as a single-parallelism Flink source. Each frame batch becomes one record tagged with its
 * connection; when Flink falls behind, connections stop being read.
 */
public final class TcpSourceFunction extends RichSourceFunction<FrameChunk> {
    private static final int PAUSE_AT = 64;
    private static final int RESUME_AT = 16;

    private final String host;
    private final int port;
    private final int headerLength;
    private final String lengthFormat;
    private final int maxFrameBytes;
    private final int batchMessages;

    private volatile boolean running = true;
    private transient TcpSource server;

    public TcpSourceFunction(String host, int port, int headerLength, String lengthFormat, int maxFrameBytes, int batchMessages) {
        this.host = host;
        this.port = port;
        this.headerLength = headerLength;
        this.lengthFormat = lengthFormat;
        this.maxFrameBytes = maxFrameBytes;
        this.batchMessages = batchMessages;
    }

    private record Item(int inlet, FrameBatch batch) {}

    @Override
    public void run(SourceContext<FrameChunk> ctx) throws Exception {
        LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        List<FlowControl> paused = new CopyOnWriteArrayList<>();
        AtomicInteger inlets = new AtomicInteger();
        EngineSettings settings = EngineSettings.defaults(1).withMaxFrameBytes(maxFrameBytes).withBatchMessages(batchMessages);
        server = new TcpSource(host, port, Framing.of(headerLength, lengthFormat));
        server.start(new io.wallaroo.engine.connector.SourceContext() {
            @Override
            public Inlet openInlet(String description, FlowControl flow) {
                int id = inlets.getAndIncrement();
                return new Inlet() {
                    @Override
                    public void deliver(FrameBatch batch) {
                        queue.add(new Item(id, batch));
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
        });
        try {
            while (running) {
                Item item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item == null) {
                    continue;
                }
                FrameBatch b = item.batch();
                FrameChunk chunk = new FrameChunk(item.inlet(), Arrays.copyOf(b.data(), b.dataLength()),
                        Arrays.copyOf(b.lengths(), b.count()));
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(chunk);
                }
                b.completion().release();
                if (!paused.isEmpty() && queue.size() <= RESUME_AT) {
                    for (FlowControl flow : paused) {
                        flow.resume();
                    }
                    paused.clear();
                }
            }
        } finally {
            server.close();
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
