package io.wallaroo.flink.connect;

import io.wallaroo.engine.connector.tcp.CannotListenException;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * An extension sink that cannot bind its address (the sources' readers, which cannot see their
 * attempt number, retry for a few seconds instead: {@link ServerStart}). On the job's first attempt
 * the address is held by something else, which restarting will not change:
 * the job fails at once with the engine's message (the address, the fix) instead of going
 * through every restart. After a restart it may be this job's own previous socket still
 * closing, so Flink's restart strategy handles it as any other failure.
 */
final class BindFailure {
    private BindFailure() {}

    static RuntimeException of(RuntimeContext context, IllegalStateException e) {
        boolean firstAttempt = context.getTaskInfo().getAttemptNumber() == 0;
        if (firstAttempt && e instanceof CannotListenException) {
            return new SuppressRestartsException(e);
        }
        return e;
    }
}
