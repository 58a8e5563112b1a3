package io.wallaroo.engine.connector.extension;

import io.netty.channel.Channel;
import io.wallaroo.engine.connector.FlowControl;
import io.wallaroo.engine.connector.Inlet;
import io.wallaroo.engine.connector.SourceContext;

import java.util.HashSet;
import java.util.Set;

/**
 * The inlets of one stream name of a source extension, shared by every connection that says that
 * name in its hello, for as long as the source runs.
 *
 * <p>A partition always goes to the same inlet (by the hash of its name), and an inlet feeds one
 * lane in order, so a partition's messages keep their order even across a script's reconnection:
 * the resends of a restarted script queue behind what its previous connection delivered rather
 * than overtaking it on another lane. With several lanes the partitions of a stream are spread
 * over up to that many inlets, which is where a stream's concurrency comes from.
 *
 * <p>Back-pressure pauses every connection of the stream; one that attaches while paused starts
 * paused.
 */
final class StreamInlets {
    private final SourceContext context;
    private final String description;
    private final Inlet[] inlets;
    private final Set<Channel> channels = new HashSet<>();
    private boolean paused;

    StreamInlets(SourceContext context, String description, int partitionGroups) {
        this.context = context;
        this.description = description;
        this.inlets = new Inlet[Math.max(1, partitionGroups)];
    }

    /** How many inlets the partitions are spread over. */
    int groups() {
        return inlets.length;
    }

    /** The inlet group of a partition; messages without a partition share group 0. */
    int groupOf(String partition) {
        return partition == null ? 0 : Math.floorMod(partition.hashCode(), inlets.length);
    }

    /** Called on the I/O thread only. */
    Inlet inlet(int group) {
        if (inlets[group] == null) {
            String part = inlets.length == 1 ? "" : " (partition group " + (group + 1) + " of " + inlets.length + ")";
            inlets[group] = context.openInlet(description + part, new FlowControl() {
                @Override public void pause() { setPaused(true); }
                @Override public void resume() { setPaused(false); }
            });
        }
        return inlets[group];
    }

    synchronized void attach(Channel channel) {
        channels.add(channel);
        if (paused) {
            channel.config().setAutoRead(false);
        }
    }

    synchronized void detach(Channel channel) {
        channels.remove(channel);
    }

    private synchronized void setPaused(boolean pause) {
        paused = pause;
        for (Channel channel : channels) {
            channel.config().setAutoRead(!pause);
            if (!pause) {
                // Frames left buffered while paused are cut now, on the channel's own thread.
                channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(SourceScriptConnection.RESUMED));
            }
        }
    }

    /** The source stops: no more batches from this stream. */
    void close() {
        for (Inlet inlet : inlets) {
            if (inlet != null) {
                inlet.close();
            }
        }
    }
}
