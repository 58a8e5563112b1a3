package io.wallaroo.python.cli;

/**
 * The lane count when neither {@code --lanes} nor {@code --ponythreads} is given. One per core,
 * except on machines with two cores or fewer, where one lane: measured on 2 cores (docs/design.md),
 * a second lane made word count with one input connection 0.64x as fast as one lane (half of
 * the keyed work crosses lanes, and the load generator, the Graal compiler thread and the I/O
 * loops need the second core), and two bare interpreters reach at most 1.35x of one even with
 * two connections. scripts/wallaroo sizes the heap with the same rule.
 */
final class DefaultLanes {
    private DefaultLanes() {}

    static int forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : cores;
    }
}
