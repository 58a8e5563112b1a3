package io.wallaroo.engine.connector.extension;

import io.netty.channel.socket.SocketChannel;
import io.wallaroo.engine.connector.ByteBudget;
import io.wallaroo.engine.connector.Sink;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.tcp.NettyLoops;
import io.wallaroo.engine.connector.tcp.TcpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The server that sink scripts ({@code wallaroo.experimental.SinkExtension}) connect to, to drain
 * one sink's output. See {@link ExtensionProtocol} for the wire format.
 *
 * <p><b>Nothing is dropped.</b> Output waits in a bounded buffer until a script takes it: a script
 * that connects late still gets everything. When the buffer is full, {@link #write} blocks the
 * lane, which pauses the inputs. Output counts as delivered, and its completion is released, only
 * when the script acknowledges it (the Python client acknowledges a message once the script asks
 * for the next one, so "handled" means the script's own code is done with it).
 *
 * <p><b>Several scripts share the work.</b> Each chunk of output (one lane batch's records) goes to
 * exactly one connected script, round robin among the scripts that have room: each has at most a
 * window of unacknowledged bytes and a writable socket. Order is kept within what one script
 * receives; across scripts there is no order. Run one script to see all output in order.
 *
 * <p><b>A script that goes away</b> (closes, crashes, breaks the protocol) gives back what it did
 * not acknowledge: those records go to the front of the queue, in their order, for the next script
 * (or the same one reconnecting). Delivery is therefore at least once: records a script handled but
 * had not acknowledged when it died are sent again.
 */
public final class ExtensionSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionSink.class);

    private final String host;
    private final int port;
    private final ByteBudget budget;   // pending plus sent but not acknowledged
    private final long windowBytes;
    private final String label;
    private final Object lock = new Object();
    private final ArrayDeque<SinkChunk> pending = new ArrayDeque<>();          // not sent to any script
    private final List<SinkScriptConnection> scripts = new ArrayList<>();      // said hello, in join order
    private int nextScript;
    private boolean warnedNoScript;
    private TcpServer server;

    public ExtensionSink(String host, int port, long bufferLimit, int sinkId) {
        this.host = host;
        this.port = port;
        this.budget = new ByteBudget(bufferLimit);
        this.windowBytes = Math.max(64 * 1024, bufferLimit / 4);
        this.label = "sink extension " + sinkId;
    }

    @Override
    public void start() {
        server = TcpServer.listen(host, port, "sink scripts", "Give SinkExtensionConfig a free one", ch -> {
            ch.pipeline().addLast(new SinkScriptConnection(ExtensionSink.this, ch));
        });
    }

    /** The port actually bound (useful when the topology asked for port 0). */
    public int boundPort() {
        return server.port();
    }

    @Override
    public void write(SinkChunk chunk) throws InterruptedException {
        // Count records ourselves: acknowledgements count what the script parsed.
        int records = RecordChunks.count(chunk.bytes());
        if (records == 0) {
            chunk.completion().release();
            return;
        }
        SinkChunk counted = records == chunk.messages() ? chunk : new SinkChunk(chunk.bytes(), records, chunk.completion());
        budget.acquire(counted.bytes().length);
        synchronized (lock) {
            pending.add(counted);
            if (scripts.isEmpty() && !warnedNoScript) {
                warnedNoScript = true;
                LOG.info("{}: no sink script connected yet; output is kept (up to {} bytes, then the pipeline waits)"
                        + " until one connects", describe(), budget.limit());
            }
        }
        NettyLoops.shared().execute(this::dispatch);
    }

    /** On the I/O thread: hands waiting chunks to scripts with room, round robin. */
    void dispatch() {
        Set<SinkScriptConnection> written = new LinkedHashSet<>();
        synchronized (lock) {
            int n = scripts.size();
            while (!pending.isEmpty() && n > 0) {
                SinkScriptConnection target = null;
                for (int i = 0; i < n && target == null; i++) {
                    SinkScriptConnection candidate = scripts.get((nextScript + i) % n);
                    if (candidate.hasRoom(windowBytes)) {
                        target = candidate;
                        nextScript = (nextScript + i + 1) % n;
                    }
                }
                if (target == null) {
                    break;
                }
                target.send(pending.poll());
                written.add(target);
            }
        }
        written.forEach(SinkScriptConnection::flush);
    }

    void joined(SinkScriptConnection script) {
        synchronized (lock) {
            scripts.add(script);
            warnedNoScript = false;
            LOG.info("{}: {} connected ({} script(s) now, {} chunk(s) waiting)", describe(), script.who(), scripts.size(),
                    pending.size());
        }
        dispatch();
    }

    void acknowledged(SinkScriptConnection script, long count) throws ProtocolException {
        List<SinkChunk> done;
        synchronized (lock) {
            done = script.acknowledge(count);
        }
        if (done.isEmpty()) {
            return;
        }
        // Completions first, so that whoever drain() wakes sees them done.
        for (SinkChunk chunk : done) {
            chunk.completion().release();
        }
        long bytes = 0;
        for (SinkChunk chunk : done) {
            bytes += chunk.bytes().length;
        }
        budget.release(bytes);
        dispatch();
    }

    /** The script's connection closed: what it did not acknowledge goes back to the front of the queue. */
    void left(SinkScriptConnection script) {
        synchronized (lock) {
            if (!scripts.remove(script)) {
                return;
            }
            nextScript = 0;
            long records = script.unacknowledgedRecords();
            long bytesBefore = script.unacknowledgedBytes();
            List<SinkChunk> back = script.takeUnacknowledged();
            long bytesAfter = 0;
            for (int i = back.size() - 1; i >= 0; i--) {
                pending.addFirst(back.get(i));
                bytesAfter += back.get(i).bytes().length;
            }
            budget.release(bytesBefore - bytesAfter);
            if (records > 0) {
                LOG.warn("{}: {} disconnected with {} unacknowledged record(s); they go to the next sink script",
                        describe(), script.who(), records);
            } else {
                LOG.info("{}: {} disconnected", describe(), script.who());
            }
        }
        dispatch();
    }

    @Override
    public boolean drain(long millis) throws InterruptedException {
        return budget.awaitEmpty(millis);
    }

    /**
     * Every record not acknowledged yet, as RECORDS-layout chunks: what connected scripts were sent
     * (in join order, oldest first, without records a script confirmed in part), then what waits for
     * a script. For a host that checkpoints output it may have to send again (the Flink runner).
     */
    public List<byte[]> unacknowledged() {
        List<byte[]> out = new ArrayList<>();
        synchronized (lock) {
            for (SinkScriptConnection script : scripts) {
                for (SinkChunk chunk : script.unacknowledgedChunks()) {
                    out.add(chunk.bytes());
                }
            }
            for (SinkChunk chunk : pending) {
                out.add(chunk.bytes());
            }
        }
        return out;
    }

    /** Bytes waiting for a script or for its acknowledgement. */
    @Override
    public long bufferedBytes() {
        return budget.used();
    }

    @Override
    public long bufferLimit() {
        return budget.limit();
    }

    @Override
    public String describe() {
        return label + " " + host + ":" + (server == null ? port : boundPort());
    }

    @Override
    public void close() {
        budget.close();
        if (server != null) {
            server.close();
        }
    }
}
