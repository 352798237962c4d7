package io.kdstream.evaluator.leaderboard;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where one training run stands on one dataset and split: its learning curve (one point a step, in step order),
 * its latest evaluation and its best one. A re-delivered evaluation of a step replaces that step's point, so
 * duplicates never reach the curve.
 */
@JsonIgnoreProperties(value = {"latest", "best", "failures"}, allowGetters = true)
public record RunStanding(String runId, String dataset, String split, List<EvalPoint> curve) {

    public RunStanding {
        curve = List.copyOf(curve);
    }

    public static RunStanding empty(String runId, String dataset, String split) {
        return new RunStanding(runId, dataset, split, List.of());
    }

    /** The leaderboard's key: one standing a run, dataset and split. */
    public static String key(String runId, String dataset, String split) {
        return runId + "/" + dataset + "/" + split;
    }

    public RunStanding with(EvalPoint point) {
        List<EvalPoint> points = new ArrayList<>(curve.size() + 1);
        curve.stream().filter(p -> p.step() != point.step()).forEach(points::add);
        points.add(point);
        points.sort(Comparator.comparingLong(EvalPoint::step));
        return new RunStanding(runId, dataset, split, points);
    }

    /** The evaluation of the highest step, successful or not; null before the first. */
    @JsonProperty("latest")
    public EvalPoint latest() {
        return curve.isEmpty() ? null : curve.get(curve.size() - 1);
    }

    /** The successful evaluation with the highest accuracy, the earliest step among equals; null when none succeeded. */
    @JsonProperty("best")
    public EvalPoint best() {
        EvalPoint best = null;
        for (EvalPoint point : curve) {
            if (point.ok() && (best == null || point.accuracy() > best.accuracy())) {
                best = point;
            }
        }
        return best;
    }

    /** Evaluations that did not succeed (a corrupt or missing checkpoint, a failed run). */
    @JsonProperty("failures")
    public long failures() {
        return curve.stream().filter(p -> !p.ok()).count();
    }
}
