package io.wallaroo.engine.snapshot;

/** The directory holds snapshots of a different application or topology. */
public final class SnapshotMismatchException extends Exception {
    public SnapshotMismatchException(String message) {
        super(message);
    }
}
