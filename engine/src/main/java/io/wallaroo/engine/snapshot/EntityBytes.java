package io.wallaroo.engine.snapshot;

/**
 * One state entity as an executor serialized it. The engine never looks inside {@code key} or
 * {@code value}; {@code keyHash} is the executor's stable hash of the key, from which the engine
 * finds the owning lane ({@code floorMod(keyHash, lanes)}) when it restores, also with another lane
 * count than the one that wrote the snapshot. Unpartitioned states ignore it.
 */
public record EntityBytes(String state, long keyHash, byte[] key, byte[] value) {}
