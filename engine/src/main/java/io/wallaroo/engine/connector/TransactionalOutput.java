package io.wallaroo.engine.connector;

import java.util.OptionalLong;

/**
 * Output that becomes visible only when a snapshot commits it: exactly-once sinks. Each snapshot
 * epoch (the output caused by the input between two cuts) is one transaction, and the transaction
 * records the id of the snapshot that covers it, atomically with the output. On restart the engine
 * asks which snapshot was committed last and restores no newer one: a snapshot written to disk
 * whose transaction never committed is discarded and its epoch replayed.
 *
 * <p>The engine calls these in order: {@link #lastCommittedSnapshot()} once before it restores,
 * {@link #begin} once before any output, then per cut {@link #endEpoch()} (every lane idle) and
 * either {@link #commit} (the snapshot is durable) or {@link #carryOver()} (it was not kept).
 */
public interface TransactionalOutput extends AutoCloseable {
    /**
     * Fences any older process writing as this application, settles a transaction it left open
     * (the broker aborts it, or finishes a commit that had begun), and returns the id of the last
     * snapshot whose output is committed; empty when this application never committed one.
     */
    OptionalLong lastCommittedSnapshot() throws Exception;

    /** Input is about to flow from snapshot {@code restoredId} (0 = fresh): records it as committed and opens the first transaction. */
    void begin(long restoredId) throws Exception;

    /** At a cut, while no lane runs: output written from now on belongs to the next epoch and is held until the commit. */
    void endEpoch();

    /** Snapshot {@code snapshotId} is durable: commits the epoch's transaction with it; held output flows on. */
    void commit(long snapshotId) throws Exception;

    /** The epoch's snapshot was not kept: its output stays in the open transaction, which the next commit includes. */
    void carryOver();

    @Override
    void close();
}
