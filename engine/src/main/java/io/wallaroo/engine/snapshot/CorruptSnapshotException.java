package io.wallaroo.engine.snapshot;

/** A snapshot file that cannot be trusted: truncated, damaged, or not a snapshot. */
public final class CorruptSnapshotException extends Exception {
    public CorruptSnapshotException(String message) {
        super(message);
    }
}
