package io.kdstream.evaluator.scoring;

/**
 * Expected calibration error of next-token predictions (Guo et al., "On Calibration of Modern Neural Networks", 2017):
 * each prediction's confidence (its top probability) falls in one of 15 equal-width bins, and the error is the mean
 * over the bins, weighted by their predictions, of {@code |accuracy - mean confidence|}. A calibrated model is right
 * 70 % of the time when it is 70 % sure. The metric RS-KD's argument is about: a cached top K teaches a student to be
 * over-confident (Anshumann et al., ACL 2025).
 */
final class CalibrationError {

    static final int BINS = 15;

    private final long[] predictions = new long[BINS];
    private final long[] correct = new long[BINS];
    private final double[] confidence = new double[BINS];
    private long total;

    /** One prediction: its top probability and whether its top token was the target. */
    void add(double topProbability, boolean right) {
        if (!(topProbability >= 0 && topProbability <= 1)) {
            throw new IllegalArgumentException("a probability must lie in [0, 1], got " + topProbability);
        }
        int bin = Math.min(BINS - 1, (int) (topProbability * BINS));
        predictions[bin]++;
        correct[bin] += right ? 1 : 0;
        confidence[bin] += topProbability;
        total++;
    }

    /** The error, or NaN before any prediction. */
    double value() {
        if (total == 0) {
            return Double.NaN;
        }
        double error = 0;
        for (int bin = 0; bin < BINS; bin++) {
            if (predictions[bin] > 0) {
                error += Math.abs(correct[bin] - confidence[bin]) / total;
            }
        }
        return error;
    }
}
