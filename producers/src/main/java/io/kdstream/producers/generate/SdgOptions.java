package io.kdstream.producers.generate;

import java.util.Objects;

/**
 * What a generator makes besides its seed: how hard its problems are, and the share of training examples that get a
 * plausible wrong response (noisy SDG, as model-written data is). Validation and test examples are always correct.
 *
 * @param difficulty how hard the problems are
 * @param wrongShare the share of TRAIN examples, in [0, 1], whose response is wrong; exact to within rounding over
 *     every prefix of a generator's distinct examples
 */
public record SdgOptions(Difficulty difficulty, double wrongShare) {

    /** What the generators made before these options existed: easy problems, every response correct. */
    public static final SdgOptions CLEAN_EASY = new SdgOptions(Difficulty.EASY, 0);

    public SdgOptions {
        Objects.requireNonNull(difficulty, "difficulty");
        if (!(wrongShare >= 0 && wrongShare <= 1)) {
            throw new IllegalArgumentException("wrong share must be in [0, 1], got " + wrongShare);
        }
    }
}
