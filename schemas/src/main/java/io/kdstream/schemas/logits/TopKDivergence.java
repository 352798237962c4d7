package io.kdstream.schemas.logits;

/**
 * How far a decoded teacher distribution is from the exact one at a position, in nats: KL(exact || decoded), in
 * double from the float32 numbers records carry. The two views the losses take: renormalised over the K entries, and
 * over the K entries plus one bucket for the rest of the vocabulary.
 */
public final class TopKDivergence {

    private TopKDivergence() {
    }

    /** Both sides softmaxed over the K entries of the position starting at {@code from}. */
    public static double renormalised(float[] exact, float[] decoded, int from, int k) {
        double exactNorm = LogSumExp.of(k, r -> exact[from + r]);
        double decodedNorm = LogSumExp.of(k, r -> decoded[from + r]);
        double kl = 0;
        for (int r = 0; r < k; r++) {
            double logP = exact[from + r] - exactNorm;
            if (logP > Double.NEGATIVE_INFINITY) {
                kl += Math.exp(logP) * (logP - (decoded[from + r] - decodedNorm));
            }
        }
        return kl;
    }

    /**
     * Each side's probabilities from its own log-sum-exp, plus the mass left to the rest of the vocabulary (a sum above
     * 1 from float32 rounding is renormalised, leaving no rest).
     */
    public static double withTail(float[] exact, float exactLogSumExp, float[] decoded, float decodedLogSumExp, int from, int k) {
        double[] p = probabilities(exact, exactLogSumExp, from, k);
        double[] q = probabilities(decoded, decodedLogSumExp, from, k);
        double kl = 0;
        for (int r = 0; r <= k; r++) {
            if (p[r] > 0) {
                kl += p[r] * Math.log(p[r] / q[r]);
            }
        }
        return kl;
    }

    /** The K probabilities and, last, the mass outside them. */
    private static double[] probabilities(float[] values, float logSumExp, int from, int k) {
        double[] out = new double[k + 1];
        double sum = 0;
        for (int r = 0; r < k; r++) {
            out[r] = Math.exp((double) values[from + r] - logSumExp);
            sum += out[r];
        }
        if (sum > 1) {
            for (int r = 0; r < k; r++) {
                out[r] /= sum;
            }
            sum = 1;
        }
        out[k] = 1 - sum;
        return out;
    }
}
