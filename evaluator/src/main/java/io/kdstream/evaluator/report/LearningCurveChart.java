package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.EvalPoint;
import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.report.LineChartSvg.Point;
import io.kdstream.evaluator.report.LineChartSvg.Series;
import io.kdstream.evaluator.report.LineChartSvg.Stroke;

import java.util.ArrayList;
import java.util.List;

/**
 * The leaderboard's learning curves (drawn by {@link LineChartSvg}): accuracy in percent against training step, one
 * line a run ({@code class="curve"}, {@code data-run} naming it), a dot a successful evaluation and a red cross on the
 * axis for a failed one, the runs named in the legend.
 */
final class LearningCurveChart {

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    private LearningCurveChart() {
    }

    static String svg(String title, List<RunStanding> runs) {
        long maxStep = Math.max(1, runs.stream().flatMap(r -> r.curve().stream()).mapToLong(EvalPoint::step).max().orElse(1));
        List<Series> lines = new ArrayList<>();
        List<LineChartSvg.Key> legend = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Stroke stroke = Stroke.solid(COLOURS[i % COLOURS.length], 2);
            lines.add(curve(runs.get(i), stroke));
            legend.add(new LineChartSvg.Key(runs.get(i).runId(), stroke));
        }
        LineChartSvg.Panel panel = new LineChartSvg.Panel("accuracy", "training step", maxStep, 100, "%.0f%%", lines);
        return LineChartSvg.render("learning-curves", title, List.of(panel), legend);
    }

    private static Series curve(RunStanding run, Stroke stroke) {
        List<Point> ok = new ArrayList<>();
        List<Point> failed = new ArrayList<>();
        for (EvalPoint point : run.curve()) {
            String note = run.runId() + " step " + point.step() + ": ";
            if (point.ok()) {
                ok.add(new Point(point.step(), 100 * point.accuracy(), note + Formats.percent(point.accuracy())));
            } else {
                failed.add(new Point(point.step(), 0, note + point.status() + " " + point.error()));
            }
        }
        return new Series(stroke, ok, null, run.runId(), true, failed);
    }
}
