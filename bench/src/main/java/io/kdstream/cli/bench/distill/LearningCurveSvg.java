package io.kdstream.cli.bench.distill;

import io.kdstream.cli.bench.chart.LineChartSvg;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Test accuracy against step for SFT and KD+SFT, one panel each for the mean accuracy, math exact match and code
 * pass@1: every seed as a thin line, the mean over seeds as a thick one, SFT's final mean as a dashed line and the
 * teacher as a dotted one (drawn by {@link LineChartSvg}).
 */
public final class LearningCurveSvg {

    private static final String SFT_COLOUR = "#d62728";
    private static final String KD_COLOUR = "#1f77b4";
    private static final String TEACHER_COLOUR = "#555";

    private LearningCurveSvg() {
    }

    /** A metric of a checkpoint, with the panel's title and the teacher's value. */
    public record Panel(String title, ToDoubleFunction<EvalPoint> metric, double teacher) {
    }

    public static String render(List<List<EvalPoint>> sftSeeds, List<List<EvalPoint>> kdSeeds, long steps, List<Panel> panels) {
        List<LineChartSvg.Panel> charts = panels.stream().map(panel -> chart(panel, sftSeeds, kdSeeds, steps)).toList();
        return LineChartSvg.render(charts, List.of(
                new LineChartSvg.Key("SFT (mean over seeds; thin: each seed; dashed: final mean)", SFT_COLOUR, 2.5, null),
                new LineChartSvg.Key("KD+SFT (K=64, w_kd 1, w_sft 0.4)", KD_COLOUR, 2.5, null),
                new LineChartSvg.Key("teacher", TEACHER_COLOUR, 1, "2,3")));
    }

    private static LineChartSvg.Panel chart(Panel panel, List<List<EvalPoint>> sft, List<List<EvalPoint>> kd, long steps) {
        List<LineChartSvg.Series> lines = new ArrayList<>();
        if (Double.isFinite(panel.teacher())) {
            lines.add(new LineChartSvg.Series(TEACHER_COLOUR, 1, 1, "2,3", List.of(new double[] {0, panel.teacher()}, new double[] {steps, panel.teacher()}), null));
        }
        List<double[]> sftMean = seeds(lines, sft, panel.metric(), SFT_COLOUR);
        seeds(lines, kd, panel.metric(), KD_COLOUR);
        if (!sftMean.isEmpty()) {
            double last = sftMean.get(sftMean.size() - 1)[1];
            lines.add(new LineChartSvg.Series(SFT_COLOUR, 1, 1, "6,4", List.of(new double[] {0, last}, new double[] {steps, last}), null));
        }
        return new LineChartSvg.Panel(panel.title(), "step", Math.max(1, steps), 1, "%.1f", lines);
    }

    /** Adds each seed thin and the mean over seeds thick; returns the mean's points (step, value). */
    private static List<double[]> seeds(List<LineChartSvg.Series> lines, List<List<EvalPoint>> seeds, ToDoubleFunction<EvalPoint> metric, String colour) {
        for (List<EvalPoint> curve : seeds) {
            lines.add(new LineChartSvg.Series(colour, 0.8, 0.35, null, curve.stream().map(p -> new double[] {p.step(), metric.applyAsDouble(p)}).toList(), null));
        }
        List<double[]> mean = new ArrayList<>();
        if (seeds.isEmpty()) {
            return mean;
        }
        for (EvalPoint point : seeds.get(0)) {
            List<Double> values = new ArrayList<>();
            for (List<EvalPoint> curve : seeds) {
                curve.stream().filter(p -> p.step() == point.step()).findFirst().ifPresent(p -> values.add(metric.applyAsDouble(p)));
            }
            mean.add(new double[] {point.step(), DistillStatistics.mean(values)});
        }
        lines.add(LineChartSvg.Series.solid(colour, 2.5, mean, null));
        return mean;
    }
}
