package io.kdstream.cli.bench;

import java.util.Arrays;

/**
 * Median and quartiles of repeated measurements (nearest rank): the middle and the spread, robust to outliers; and
 * a 95 % confidence interval of the median, so a verdict against a target can say when the runs cannot tell.
 *
 * @param medianLow the interval's lower end: the order statistic below the median at 1.96 binomial standard
 *     deviations (distribution-free; the normal approximation of the binomial, fine from about 20 samples)
 * @param medianHigh the interval's upper end
 */
record Distribution(double median, double lowerQuartile, double upperQuartile, int samples, double medianLow,
                    double medianHigh) {

    static Distribution of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double halfWidth = 0.98 * Math.sqrt(n); // 1.96 * sqrt(n) / 2 ranks either side of n / 2
        int low = Math.max(0, (int) Math.floor(n / 2.0 - halfWidth));
        int high = Math.min(n - 1, (int) Math.ceil(n / 2.0 + halfWidth) - 1);
        return new Distribution(rank(sorted, 0.5), rank(sorted, 0.25), rank(sorted, 0.75), n, sorted[low], sorted[high]);
    }

    /** "met", "missed" or "undecided" for a target the median should not exceed, by the interval's ends. */
    String verdictAtMost(double target) {
        return medianHigh <= target ? "met" : medianLow > target ? "missed" : UNDECIDED;
    }

    /** "met", "missed" or "undecided" for a target the median should reach, by the interval's ends. */
    String verdictAtLeast(double target) {
        return medianLow >= target ? "met" : medianHigh < target ? "missed" : UNDECIDED;
    }

    private static final String UNDECIDED = "undecided (the interval holds the target)";

    private static double rank(double[] sorted, double quantile) {
        return sorted[(int) Math.round(quantile * (sorted.length - 1))];
    }
}
