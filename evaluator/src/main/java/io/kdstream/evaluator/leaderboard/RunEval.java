package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.EvalResult;

/** An evaluation with the run, dataset and split it belongs to: what the leaderboard aggregates. */
public record RunEval(String runId, String dataset, String split, EvalPoint point) {

    public static RunEval of(EvalResult result) {
        return new RunEval(result.getRunId(), result.getDataset(), result.getSplit().name(), EvalPoint.of(result));
    }

    public String standingKey() {
        return RunStanding.key(runId, dataset, split);
    }

    /** The standing with this evaluation added (or replacing the evaluation of the same step). */
    public RunStanding addTo(RunStanding standing) {
        return new RunStanding(runId, dataset, split, standing.curve()).with(point);
    }
}
