package io.kdstream.cli.bench.distill;

import io.kdstream.evaluator.report.LineChartSvg;
import io.kdstream.evaluator.report.LineChartSvg.Point;
import io.kdstream.evaluator.report.LineChartSvg.Series;
import io.kdstream.evaluator.report.LineChartSvg.Stroke;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Test accuracy against step for SFT and KD+SFT, one panel each for the mean accuracy, math exact match and code
 * pass@1: every seed as a thin line, the mean over seeds as a thick one, SFT's final mean as a dashed line and the
 * teacher as a dotted one (drawn by the leaderboard's {@link LineChartSvg}).
 */
public final class LearningCurveSvg {

    private static final Stroke SFT = Stroke.solid("#d62728", 2.5);
    private static final Stroke KD = Stroke.solid("#1f77b4", 2.5);
    private static final Stroke TEACHER = new Stroke("#555", 1, 1, "2,3");

    private LearningCurveSvg() {
    }

    /** A metric of a checkpoint, with the panel's title and the teacher's value. */
    public record Panel(String title, ToDoubleFunction<EvalPoint> metric, double teacher) {
    }

    public static String render(List<List<EvalPoint>> sftSeeds, List<List<EvalPoint>> kdSeeds, long steps, List<Panel> panels) {
        List<LineChartSvg.Panel> charts = panels.stream().map(panel -> chart(panel, sftSeeds, kdSeeds, steps)).toList();
        return LineChartSvg.render("learning-curves", "test accuracy against step, SFT and KD+SFT", charts, List.of(
                new LineChartSvg.Key("SFT (mean over seeds; thin: each seed; dashed: final mean)", SFT),
                new LineChartSvg.Key("KD+SFT (K=64, w_kd 1, w_sft 0.4)", KD),
                new LineChartSvg.Key("teacher", TEACHER)));
    }

    private static LineChartSvg.Panel chart(Panel panel, List<List<EvalPoint>> sft, List<List<EvalPoint>> kd, long steps) {
        List<Series> lines = new ArrayList<>();
        if (Double.isFinite(panel.teacher())) {
            lines.add(Series.of(TEACHER, List.of(new Point(0, panel.teacher()), new Point(steps, panel.teacher())), null));
        }
        List<Point> sftMean = seeds(lines, sft, panel.metric(), SFT.colour());
        seeds(lines, kd, panel.metric(), KD.colour());
        if (!sftMean.isEmpty()) {
            double last = sftMean.get(sftMean.size() - 1).y();
            lines.add(Series.of(new Stroke(SFT.colour(), 1, 1, "6,4"), List.of(new Point(0, last), new Point(steps, last)), null));
        }
        return new LineChartSvg.Panel(panel.title(), "step", Math.max(1, steps), 1, "%.1f", lines);
    }

    /** Adds each seed thin and the mean over seeds thick; returns the mean's points (step, value). */
    private static List<Point> seeds(List<Series> lines, List<List<EvalPoint>> seeds, ToDoubleFunction<EvalPoint> metric, String colour) {
        for (List<EvalPoint> curve : seeds) {
            lines.add(Series.of(new Stroke(colour, 0.8, 0.35, null), curve.stream().map(p -> new Point(p.step(), metric.applyAsDouble(p))).toList(), null));
        }
        List<Point> mean = new ArrayList<>();
        if (seeds.isEmpty()) {
            return mean;
        }
        for (EvalPoint point : seeds.get(0)) {
            List<Double> values = new ArrayList<>();
            for (List<EvalPoint> curve : seeds) {
                curve.stream().filter(p -> p.step() == point.step()).findFirst().ifPresent(p -> values.add(metric.applyAsDouble(p)));
            }
            mean.add(new Point(point.step(), DistillStatistics.mean(values)));
        }
        lines.add(Series.of(Stroke.solid(colour, 2.5), mean, null));
        return mean;
    }
}
