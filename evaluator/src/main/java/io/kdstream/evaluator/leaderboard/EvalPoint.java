package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluation of a checkpoint, as the leaderboard keeps it: a point of a run's learning curve.
 *
 * @param accuracy pass@1 for code tasks, exact-match accuracy otherwise; null when the evaluation failed
 * @param error    why the evaluation failed (status not OK), else null
 * @param solvedByFamily accuracy by problem family (empty where the result has none, as in standings kept before it)
 */
public record EvalPoint(long step, EvalStatus status, Double accuracy, Double answerCrossEntropy, Double teacherAgreement,
                        Double teacherKl, int examples, String error, long evaluatedAtMillis, Map<String, Double> solvedByFamily) {

    public EvalPoint {
        solvedByFamily = solvedByFamily == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(solvedByFamily));
    }

    public static EvalPoint of(EvalResult result) {
        Double accuracy = result.getStatus() != EvalStatus.OK ? null
                : result.getPassAt1() != null ? result.getPassAt1() : result.getExactMatch();
        return new EvalPoint(result.getStep(), result.getStatus(), accuracy, result.getAnswerCrossEntropy(),
                result.getTeacherAgreement(), result.getTeacherKl(), result.getExamples(), result.getError(),
                result.getEvaluatedAt().toEpochMilli(), result.getSolvedByFamily());
    }

    public boolean ok() {
        return status == EvalStatus.OK && accuracy != null;
    }
}
