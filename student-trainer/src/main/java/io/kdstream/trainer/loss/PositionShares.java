package io.kdstream.trainer.loss;

import ai.djl.ndarray.NDArray;
import io.kdstream.model.djl.Scalars;
import java.util.function.Function;

/**
 * Each KD position's share of the loss: {@code w / max(sum w, 1)} of its loss-mask weight w, so KD is the mean of the
 * positions' divergences weighted by their loss mask, and a batch whose weights are all 0 has KD 0 rather than NaN.
 *
 * <p>When every position has the same weight (the usual case: a loss mask of ones) the share is one number that
 * scales the summed divergence; otherwise it is an (M,1) tensor that weighs each position's entries. The common case
 * spares a broadcast multiply over the (M,K) entries (with the dot products of {@link KlDirection}, KD at K=64 went
 * from 1.062 to 1.050 x an SFT step in alternated {@code bench step} runs).
 *
 * @param common the share of every position, when {@code each} is null
 * @param each (M,1): each position's share, or null when they all have {@code common}
 */
public record PositionShares(double common, NDArray each) {

    public PositionShares {
        if (each == null && !Double.isFinite(common)) {
            throw new IllegalArgumentException("a position's share of KD must be finite, got " + common);
        }
    }

    /** Every position has {@code share}. */
    public static PositionShares common(double share) {
        return new PositionShares(share, null);
    }

    /** Position m has {@code shares[m, 0]}. */
    public static PositionShares each(NDArray shares) {
        return new PositionShares(Double.NaN, shares);
    }

    /**
     * The shares of positions with loss-mask {@code weights}: one number when the weights are all equal, else the
     * tensor {@code toTensor} makes of the M shares. Computed in Java: M numbers cost less than tensor ops a step.
     */
    public static PositionShares of(float[] weights, Function<float[], NDArray> toTensor) {
        double sum = 0;
        boolean equal = true;
        for (float weight : weights) {
            sum += weight;
            equal &= weight == weights[0];
        }
        double denominator = Math.max(sum, 1);
        if (equal) {
            return common(weights.length == 0 ? 0 : weights[0] / denominator);
        }
        float[] shares = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            shares[i] = (float) (weights[i] / denominator);
        }
        return each(toTensor.apply(shares));
    }

    /** {@code entries} (M,N) with each position's row multiplied by its share; unchanged when the share is common. */
    NDArray weigh(NDArray entries) {
        return each == null ? entries : entries.mul(each.toType(entries.getDataType(), false));
    }

    /** A sum over {@link #weigh weighed} entries, multiplied by the common share where there is one. */
    NDArray total(NDArray weighedSum) {
        return each == null ? weighedSum.mul(Scalars.scalarLike(weighedSum, common)) : weighedSum;
    }
}
