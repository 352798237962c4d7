package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.Split;

import java.time.Instant;

/** EvalResults as the evaluator publishes them, for the leaderboard's tests. */
public final class EvalResults {

    private EvalResults() {
    }

    public static EvalResult ok(String runId, long step, double exactMatch) {
        return base(runId, step, "math").setStatus(EvalStatus.OK).setExamples(100).setExactMatch(exactMatch)
                .setAnswerCrossEntropy(2.0 - exactMatch).setTeacherAgreement(0.5 + exactMatch / 2).setTeacherKl(1 - exactMatch)
                .setTeacherExamples(100).build();
    }

    /** A code result whose tasks are half of family "affine", half of "fizzsum"; only the fizzsum ones solved. */
    public static EvalResult code(String runId, long step, double passAt1) {
        return base(runId, step, "code").setStatus(EvalStatus.OK).setExamples(50).setPassAt1(passAt1).setAnswerCrossEntropy(1.0)
                .setSolvedByFamily(java.util.Map.of("affine", 0.0, "fizzsum", 2 * passAt1)).build();
    }

    public static EvalResult invalid(String runId, long step) {
        return base(runId, step, "math").setStatus(EvalStatus.CHECKPOINT_INVALID).setExamples(0)
                .setError("checkpoint step-" + step + ".ckpt: SHA-256 mismatch").build();
    }

    private static EvalResult.Builder base(String runId, long step, String dataset) {
        return EvalResult.newBuilder().setRunId(runId).setStep(step).setCheckpointUri("file:///ckpt/" + runId + "/" + step)
                .setCheckpointSha256("00").setDataset(dataset).setSplit(Split.TEST).setEvalMillis(10)
                .setEvaluatedAt(Instant.ofEpochMilli(1_700_000_000_000L + step));
    }

    public static String key(EvalResult result) {
        return io.kdstream.schemas.topics.TopicCatalogue.evalKey(result.getRunId(), result.getStep(), result.getDataset(), result.getSplit().name());
    }
}
