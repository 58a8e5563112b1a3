package io.wallaroo.engine.connector.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.topology.Framing;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connection's first batches are small and double up to the configured size, so that a burst
 * arriving at a freshly started engine gets its first output after a short batch of cold code
 * rather than a full one; nothing is lost or reordered on the way.
 */
class FirstBatchesTest {

    private static final class BatchSizes implements Inlet {
        final List<Integer> sizes = new ArrayList<>();
        final List<Integer> values = new ArrayList<>();

        @Override
        public void deliver(FrameBatch batch) {
            sizes.add(batch.count());
            ByteBuffer data = ByteBuffer.wrap(batch.data());
            for (int i = 0; i < batch.count(); i++) {
                values.add(data.getInt(i * 4));
            }
        }

        @Override
        public void close() {}
    }

    private static List<Integer> burst(int frames, int batchMessages, BatchSizes inlet) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(Framing.of(4, ">I"), 1024, batchMessages, inlet));
        ByteBuffer bytes = ByteBuffer.allocate(frames * 8);
        for (int i = 0; i < frames; i++) {
            bytes.putInt(4).putInt(i);
        }
        channel.writeInbound(Unpooled.wrappedBuffer(bytes.array()));  // one read: a burst
        channel.finish();
        return inlet.sizes;
    }

    @Test
    void aBurstComesInBatchesOf32ThenTwiceAsManyUpToTheConfiguredSize() {
        BatchSizes inlet = new BatchSizes();
        assertEquals(List.of(32, 64, 128, 256, 512, 512, 496), burst(2000, 512, inlet));
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            inOrder.add(i);
        }
        assertEquals(inOrder, inlet.values);
    }

    @Test
    void aConfiguredSizeBelowTheFirstBatchIsUsedFromTheStart() {
        assertEquals(List.of(8, 8, 4), burst(20, 8, new BatchSizes()));
    }

    @Test
    void anOddConfiguredSizeIsReachedExactly() {
        assertEquals(List.of(32, 64, 100, 100, 4), burst(300, 100, new BatchSizes()));
    }
}
