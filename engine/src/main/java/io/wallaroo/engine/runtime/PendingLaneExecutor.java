package io.wallaroo.engine.runtime;

import io.wallaroo.engine.connector.FrameBatch;
import io.wallaroo.engine.snapshot.EntityBytes;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The executor of a lane whose interpreter is still being created when the engine starts taking
 * input. The lane's thread waits here on its first batch; meanwhile its queue fills and the
 * flow gate pauses the inputs at the high watermark, exactly as for a slow lane, so nothing is
 * lost and memory stays bounded. If creation fails, every call fails (the lane logs it) and the
 * failure is reported through {@link StreamEngine#lanesStarted()}.
 */
final class PendingLaneExecutor implements LaneExecutor {
    private final int lane;
    private final CompletableFuture<LaneExecutor> created;
    private LaneExecutor ready; // only read and written by the lane's thread

    PendingLaneExecutor(int lane, CompletableFuture<LaneExecutor> created) {
        this.lane = lane;
        this.created = created;
    }

    /** Whether the interpreter exists, so input given to this lane runs without waiting for it. */
    boolean started() {
        return created.isDone() && !created.isCompletedExceptionally();
    }

    private LaneExecutor executor() {
        if (ready == null) {
            try {
                ready = created.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while lane " + lane + " was starting", e);
            } catch (ExecutionException | CancellationException e) {
                throw new IllegalStateException("lane " + lane + " could not start: " + cause(e), e);
            }
        }
        return ready;
    }

    @Override
    public void onFrames(int pipelineId, FrameBatch batch, LaneOutput out) {
        executor().onFrames(pipelineId, batch, out);
    }

    @Override
    public void onRouted(RoutedBatch batch, LaneOutput out) {
        executor().onRouted(batch, out);
    }

    @Override
    public List<EntityBytes> takeDirtyEntities(LaneOutput out) {
        return executor().takeDirtyEntities(out);
    }

    @Override
    public void restoreEntities(List<EntityBytes> entities, LaneOutput out) {
        executor().restoreEntities(entities, out);
    }

    /** Closes the executor once it exists; one still being created is given a short while to finish. */
    @Override
    public void close() {
        try {
            created.get(30, TimeUnit.SECONDS).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            // Never started (the failure was reported when it happened) or still starting at exit.
        }
    }

    private static String cause(Exception e) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}
