package io.kdstream.cli.bench.distill;

/**
 * One checkpoint's scores on the held-out sets.
 *
 * @param mathExactMatch share of math test problems whose final answer matches
 * @param codePassAt1    share of code test tasks whose greedy program passes every test case
 * @param mathCe         answer cross-entropy (nats a response token) on the math test set
 * @param codeCe         the same on the code test set
 * @param mathEce        expected calibration error of the top token at the math reference answers' positions (NaN in
 *                       results stored before it was measured)
 * @param codeEce        the same on the code test set
 */
public record EvalPoint(long step, double mathExactMatch, double codePassAt1, double mathCe, double codeCe, double mathEce, double codeEce) {

    /** The headline's accuracy: the mean of math exact match and code pass@1 (each test set weighs the same). */
    public double accuracy() {
        return (mathExactMatch + codePassAt1) / 2;
    }

    /** Answer cross-entropy, the mean of the two test sets'. */
    public double answerCe() {
        return (mathCe + codeCe) / 2;
    }

    /** Expected calibration error of answer tokens, the mean of the two test sets'. */
    public double answerEce() {
        return (mathEce + codeEce) / 2;
    }
}
