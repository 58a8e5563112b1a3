package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.Completion;
import io.wallaroo.engine.connector.SinkChunk;
import io.wallaroo.engine.connector.tcp.TcpSink;
import io.wallaroo.flink.job.Envelope;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;

/** The local engine's TCP client sink ({@link TcpSink}) as a single-parallelism Flink sink. */
public final class TcpSinkFunction extends RichSinkFunction<Envelope> {
    private final String host;
    private final int port;
    private transient TcpSink sink;

    public TcpSinkFunction(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) throws Exception {
        sink = new TcpSink(host, port, 32L << 20);
        sink.start();
    }

    @Override
    public void invoke(Envelope value, Context context) throws Exception {
        sink.write(new SinkChunk(value.value, value.count, Completion.NONE));
    }

    @Override
    public void close() throws Exception {
        if (sink != null) {
            sink.drain(5_000);
            sink.close();
        }
    }
}
