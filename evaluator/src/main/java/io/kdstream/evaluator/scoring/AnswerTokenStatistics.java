package io.kdstream.evaluator.scoring;

/**
 * What a model's next-token distributions say at the reference responses' positions: the reference's cross-entropy,
 * the calibration error of the top token ({@link CalibrationError}), and how sure the model is: the distribution's
 * entropy and the margin between its two most likely tokens. Entropy and margin are what a student can learn from a
 * teacher beyond its answers: a teacher that is sure of every token (entropy near 0, margin near 1) teaches little
 * more than its greedy response does.
 */
final class AnswerTokenStatistics {

    private final CalibrationError calibration = new CalibrationError();
    private double crossEntropy;
    private double entropy;
    private double margin;
    private long positions;

    /** One position's logits, {@code logits[from .. from + vocabulary)}, against the reference's token. */
    void add(float[] logits, int from, int vocabulary, int target) {
        int top = from;
        int second = -1;
        for (int v = from + 1; v < from + vocabulary; v++) {
            if (logits[v] > logits[top]) {
                second = top;
                top = v;
            } else if (second < 0 || logits[v] > logits[second]) {
                second = v;
            }
        }
        double max = logits[top];
        double total = 0;
        double weighted = 0;
        for (int v = from; v < from + vocabulary; v++) {
            double unnormalised = Math.exp(logits[v] - max);
            total += unnormalised;
            weighted += unnormalised * (logits[v] - max);
        }
        double logTotal = Math.log(total);
        crossEntropy += max + logTotal - logits[from + target];
        entropy += logTotal - weighted / total;
        margin += (1 - (second < 0 ? 0 : Math.exp(logits[second] - max))) / total;
        positions++;
        calibration.add(1 / total, top - from == target);
    }

    /** Mean cross-entropy of the reference's tokens in nats, NaN before any position. */
    double crossEntropy() {
        return positions == 0 ? Double.NaN : crossEntropy / positions;
    }

    /** Mean entropy of the model's distribution in nats, NaN before any position. */
    double entropy() {
        return positions == 0 ? Double.NaN : entropy / positions;
    }

    /** Mean of the top probability minus the second's, NaN before any position. */
    double margin() {
        return positions == 0 ? Double.NaN : margin / positions;
    }

    double calibrationError() {
        return calibration.value();
    }
}
