package io.wallaroo.python;

/**
 * The arguments of {@code LaneRunner.frames_spread}: the pipeline, the batch's payloads end to end
 * as a latin-1 String, then each message's size as an argument of its own. GraalPy receives the
 * sizes as a tuple of ints and iterates it at list speed, where reading a Java {@code int[]} went
 * through interop one element at a time (about 170 ns a message, warm, against under 20).
 */
public final class FrameArguments {
    private FrameArguments() {}

    public static Object[] of(int pipeline, String data, int[] lengths, int count) {
        Object[] args = new Object[2 + count];
        args[0] = pipeline;
        args[1] = data;
        for (int i = 0; i < count; i++) {
            args[2 + i] = lengths[i];
        }
        return args;
    }
}
