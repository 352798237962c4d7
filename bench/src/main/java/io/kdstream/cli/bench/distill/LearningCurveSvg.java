package io.kdstream.cli.bench.distill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Test accuracy against step for SFT and KD+SFT, one panel each for the mean accuracy, math exact match and code
 * pass@1: every seed as a thin line, the mean over seeds as a thick one, SFT's final mean as a dashed line and the
 * teacher as a dotted one. Hand-made SVG, no dependency.
 */
public final class LearningCurveSvg {

    private static final int PANEL_WIDTH = 360;
    private static final int PANEL_HEIGHT = 260;
    private static final int MARGIN_LEFT = 48;
    private static final int MARGIN_TOP = 30;
    private static final int MARGIN_BOTTOM = 40;
    private static final String SFT_COLOUR = "#d62728";
    private static final String KD_COLOUR = "#1f77b4";

    private LearningCurveSvg() {
    }

    /** A metric of a checkpoint, with the panel's title and the teacher's value. */
    public record Panel(String title, ToDoubleFunction<EvalPoint> metric, double teacher) {
    }

    public static String render(List<List<EvalPoint>> sftSeeds, List<List<EvalPoint>> kdSeeds, long steps, List<Panel> panels) {
        int width = panels.size() * (PANEL_WIDTH + MARGIN_LEFT) + 20;
        int height = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, i * (PANEL_WIDTH + MARGIN_LEFT) + MARGIN_LEFT, MARGIN_TOP, panels.get(i), sftSeeds, kdSeeds, steps);
        }
        int legendY = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 15;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/><text x=\"%d\" y=\"%d\">SFT (mean over seeds; thin: each seed; dashed: final mean)</text>%n",
                MARGIN_LEFT, legendY, MARGIN_LEFT + 25, legendY, SFT_COLOUR, MARGIN_LEFT + 30, legendY + 4));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/><text x=\"%d\" y=\"%d\">KD+SFT (K=64, w_kd 1, w_sft 0.4)</text>%n",
                MARGIN_LEFT + 420, legendY, MARGIN_LEFT + 445, legendY, KD_COLOUR, MARGIN_LEFT + 450, legendY + 4));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"2,3\"/><text x=\"%d\" y=\"%d\">teacher</text>%n",
                MARGIN_LEFT + 680, legendY, MARGIN_LEFT + 705, legendY, MARGIN_LEFT + 710, legendY + 4));
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, int x0, int y0, Panel panel, List<List<EvalPoint>> sft, List<List<EvalPoint>> kd, long steps) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", x0, y0 - 10, panel.title()));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", x0, y0, PANEL_WIDTH, PANEL_HEIGHT));
        for (int tick = 0; tick <= 5; tick++) {
            double value = tick / 5.0;
            double y = y(y0, value);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n",
                    x0, y, x0 + PANEL_WIDTH, y, x0 - 4, y + 4, value));
            long step = Math.round(steps * tick / 5.0);
            double x = x(x0, step, steps);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, y0 + PANEL_HEIGHT + 14, step));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n", x0 + PANEL_WIDTH / 2, y0 + PANEL_HEIGHT + 30));
        if (Double.isFinite(panel.teacher())) {
            double y = y(y0, panel.teacher());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"2,3\"/>%n", x0, y, x0 + PANEL_WIDTH, y));
        }
        List<double[]> sftMean = series(svg, x0, y0, sft, panel.metric(), steps, SFT_COLOUR);
        series(svg, x0, y0, kd, panel.metric(), steps, KD_COLOUR);
        if (!sftMean.isEmpty()) {
            double y = y(y0, sftMean.get(sftMean.size() - 1)[1]);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"6,4\" stroke-width=\"1\"/>%n",
                    x0, y, x0 + PANEL_WIDTH, y, SFT_COLOUR));
        }
    }

    /** Draws each seed thin and the mean over seeds thick; returns the mean's points (step, value). */
    private static List<double[]> series(StringBuilder svg, int x0, int y0, List<List<EvalPoint>> seeds, ToDoubleFunction<EvalPoint> metric,
                                         long steps, String colour) {
        for (List<EvalPoint> curve : seeds) {
            svg.append(polyline(x0, y0, curve.stream().map(p -> new double[] {p.step(), metric.applyAsDouble(p)}).toList(), steps, colour, 0.8, 0.35));
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
        svg.append(polyline(x0, y0, mean, steps, colour, 2.5, 1));
        return mean;
    }

    private static String polyline(int x0, int y0, List<double[]> points, long steps, String colour, double width, double opacity) {
        StringBuilder path = new StringBuilder();
        for (double[] point : points) {
            path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(x0, point[0], steps), y(y0, point[1])));
        }
        return String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-opacity=\"%.2f\"/>%n",
                path.toString().trim(), colour, width, opacity);
    }

    private static double x(int x0, double step, long steps) {
        return x0 + PANEL_WIDTH * step / steps;
    }

    private static double y(int y0, double value) {
        return y0 + PANEL_HEIGHT * (1 - Math.max(0, Math.min(1, value)));
    }
}
