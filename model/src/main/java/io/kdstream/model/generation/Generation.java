package io.kdstream.model.generation;

import java.util.Arrays;

/**
 * What generation produced for one prompt.
 *
 * @param tokens the new token ids, without the prompt and without the closing EOS
 * @param stopReason why generation ended
 */
public record Generation(int[] tokens, StopReason stopReason) {

    @Override
    public boolean equals(Object other) {
        return other instanceof Generation that && stopReason == that.stopReason && Arrays.equals(tokens, that.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + stopReason.hashCode();
    }

    @Override
    public String toString() {
        return "Generation[tokens=" + Arrays.toString(tokens) + ", stopReason=" + stopReason + "]";
    }
}
