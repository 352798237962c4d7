package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.EvalPoint;
import io.kdstream.evaluator.leaderboard.RunStanding;

import java.util.List;

/** The leaderboard table's columns, shared by the HTML page and the markdown table. */
final class LeaderboardColumns {

    static final List<String> HEADERS = List.of("run", "latest step", "latest accuracy", "best accuracy @ step",
            "answer CE", "teacher agreement", "teacher KL", "latest by family", "evaluations", "failed");

    private LeaderboardColumns() {
    }

    /** Latest values are of the latest successful evaluation, so a failed last checkpoint does not blank the row. */
    static List<String> cells(RunStanding run) {
        EvalPoint latest = run.latest();
        EvalPoint latestOk = run.curve().stream().filter(EvalPoint::ok).reduce((first, second) -> second).orElse(null);
        return List.of(run.runId(),
                latest == null ? Formats.MISSING : Long.toString(latest.step()),
                latestOk == null ? Formats.MISSING : Formats.percent(latestOk.accuracy()),
                Formats.bestWithStep(run.best()),
                latestOk == null ? Formats.MISSING : Formats.decimal(latestOk.answerCrossEntropy()),
                latestOk == null ? Formats.MISSING : Formats.percent(latestOk.teacherAgreement()),
                latestOk == null ? Formats.MISSING : Formats.decimal(latestOk.teacherKl()),
                latestOk == null ? Formats.MISSING : Formats.byFamily(latestOk.solvedByFamily()),
                Integer.toString(run.curve().size()),
                Long.toString(run.failures()));
    }
}
