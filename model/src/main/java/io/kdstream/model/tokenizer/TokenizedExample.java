package io.kdstream.model.tokenizer;

import java.util.Arrays;

/**
 * A training sequence and its loss mask.
 *
 * <p><b>Convention used everywhere in kdstream: position {@code p} predicts token {@code p + 1}.</b> A sequence of
 * {@code n} tokens therefore has {@code n - 1} prediction positions, and {@code lossMask} has length
 * {@code tokens.length - 1}: {@code lossMask[p]} is 1 when the target {@code tokens[p + 1]} is part of the response or
 * the closing EOS, and 0 when it is BOS, prompt or SEP. Teacher top-K logits, student logits and targets are indexed
 * by the same prediction position {@code p}.
 *
 * @param tokens the token ids, {@code BOS prompt SEP response EOS}
 * @param lossMask one weight per prediction position, 1 where the target is trained on, else 0
 */
public record TokenizedExample(int[] tokens, float[] lossMask) {

    public TokenizedExample {
        if (tokens == null || lossMask == null) {
            throw new IllegalArgumentException("tokens and lossMask are required");
        }
        if (tokens.length < 2) {
            throw new IllegalArgumentException("a tokenized example needs at least 2 tokens, got " + tokens.length);
        }
        if (lossMask.length != tokens.length - 1) {
            throw new IllegalArgumentException("lossMask must have tokens.length - 1 = " + (tokens.length - 1)
                    + " entries (position p predicts token p+1), got " + lossMask.length);
        }
    }

    /** Number of prediction positions, {@code tokens.length - 1}. */
    public int positions() {
        return tokens.length - 1;
    }

    /** Number of positions whose target is trained on. */
    public int maskedPositions() {
        int count = 0;
        for (float m : lossMask) {
            if (m != 0f) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenizedExample that
                && Arrays.equals(tokens, that.tokens) && Arrays.equals(lossMask, that.lossMask);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(lossMask);
    }

    @Override
    public String toString() {
        return "TokenizedExample[tokens=" + Arrays.toString(tokens) + ", lossMask=" + Arrays.toString(lossMask) + "]";
    }
}
