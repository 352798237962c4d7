package io.kdstream.cli.bench;

import java.util.Arrays;

/** Median and quartiles of repeated measurements (nearest rank): the middle and the spread, robust to outliers. */
record Distribution(double median, double lowerQuartile, double upperQuartile, int samples) {

    static Distribution of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Distribution(rank(sorted, 0.5), rank(sorted, 0.25), rank(sorted, 0.75), sorted.length);
    }

    private static double rank(double[] sorted, double quantile) {
        return sorted[(int) Math.round(quantile * (sorted.length - 1))];
    }
}
