package io.wallaroo.flink.job;

/**
 * Raw input messages of one source, laid end to end ({@code lengths[i]} bytes each), as a TCP
 * connection or a Kafka partition delivered them. {@code inlet} names the ordered input they
 * came from (a connection); all chunks of one inlet go to the same entry task, keeping order.
 * A Flink POJO: public fields and a no-argument constructor.
 */
public class FrameChunk {
    public int inlet;
    public byte[] data;
    public int[] lengths;

    public FrameChunk() {}

    public FrameChunk(int inlet, byte[] data, int[] lengths) {
        this.inlet = inlet;
        this.data = data;
        this.lengths = lengths;
    }
}
