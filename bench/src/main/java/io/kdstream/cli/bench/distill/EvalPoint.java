package io.kdstream.cli.bench.distill;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

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
 * @param solvedByFamily share of each problem family's test tasks solved, both test sets' families together (empty
 *                       where the evaluator did not break scores down, or the tasks name no family)
 */
public record EvalPoint(long step, double mathExactMatch, double codePassAt1, double mathCe, double codeCe, double mathEce, double codeEce,
                        Map<String, Double> solvedByFamily) {

    public EvalPoint {
        solvedByFamily = Collections.unmodifiableMap(new TreeMap<>(solvedByFamily));
    }

    /** A point with no scores by family. */
    public EvalPoint(long step, double mathExactMatch, double codePassAt1, double mathCe, double codeCe, double mathEce, double codeEce) {
        this(step, mathExactMatch, codePassAt1, mathCe, codeCe, mathEce, codeEce, Map.of());
    }

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
