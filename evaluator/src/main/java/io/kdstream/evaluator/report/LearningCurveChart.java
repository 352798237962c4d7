package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.EvalPoint;
import io.kdstream.evaluator.leaderboard.RunStanding;

import java.util.List;
import java.util.stream.Collectors;

import static io.kdstream.evaluator.report.Html.coordinate;
import static io.kdstream.evaluator.report.Html.escape;

/**
 * Learning curves as inline SVG, with no script and no external file: accuracy (0..1) against training step, one
 * polyline a run ({@code class="curve"}, {@code data-run} naming it), a dot a successful evaluation and a red cross
 * on the axis for a failed one, a legend on the right.
 */
final class LearningCurveChart {

    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int LEFT = 56;
    private static final int RIGHT = 180;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;
    private static final double PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final double PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

    private LearningCurveChart() {
    }

    static String svg(String title, List<RunStanding> runs) {
        long maxStep = Math.max(1, runs.stream().flatMap(r -> r.curve().stream()).mapToLong(EvalPoint::step).max().orElse(1));
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"learning-curves\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"")
                .append(escape(title)).append("\">\n<title>").append(escape(title)).append("</title>\n");
        axes(svg, maxStep);
        for (int i = 0; i < runs.size(); i++) {
            curve(svg, runs.get(i), COLOURS[i % COLOURS.length], maxStep);
            legend(svg, runs.get(i), COLOURS[i % COLOURS.length], i);
        }
        return svg.append("</svg>\n").toString();
    }

    private static void axes(StringBuilder svg, long maxStep) {
        for (int tick = 0; tick <= 4; tick++) {
            double y = y(tick / 4.0);
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(coordinate(LEFT + PLOT_WIDTH)).append("\" y1=\"").append(coordinate(y))
                    .append("\" y2=\"").append(coordinate(y)).append("\" stroke=\"#ddd\"/>\n")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(coordinate(y + 4)).append("\" text-anchor=\"end\" font-size=\"11\">")
                    .append(tick * 25).append("%</text>\n");
        }
        for (int tick = 0; tick <= 4; tick++) {
            long step = Math.round(maxStep * tick / 4.0);
            svg.append("<text x=\"").append(coordinate(x(step, maxStep))).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"middle\" font-size=\"11\">").append(step).append("</text>\n");
        }
        svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" y2=\"")
                .append(coordinate(TOP + PLOT_HEIGHT)).append("\" stroke=\"#333\"/>\n")
                .append("<line x1=\"").append(LEFT).append("\" x2=\"").append(coordinate(LEFT + PLOT_WIDTH)).append("\" y1=\"")
                .append(coordinate(TOP + PLOT_HEIGHT)).append("\" y2=\"").append(coordinate(TOP + PLOT_HEIGHT)).append("\" stroke=\"#333\"/>\n")
                .append("<text x=\"").append(coordinate(LEFT + PLOT_WIDTH / 2)).append("\" y=\"").append(HEIGHT - 8)
                .append("\" text-anchor=\"middle\" font-size=\"12\">training step</text>\n")
                .append("<text transform=\"rotate(-90)\" x=\"").append(coordinate(-(TOP + PLOT_HEIGHT / 2))).append("\" y=\"14\" text-anchor=\"middle\" font-size=\"12\">accuracy</text>\n");
    }

    private static void curve(StringBuilder svg, RunStanding run, String colour, long maxStep) {
        List<EvalPoint> ok = run.curve().stream().filter(EvalPoint::ok).toList();
        String points = ok.stream().map(p -> coordinate(x(p.step(), maxStep)) + "," + coordinate(y(p.accuracy()))).collect(Collectors.joining(" "));
        String name = escape(run.runId());
        svg.append("<g class=\"run\" data-run=\"").append(name).append("\">\n")
                .append("<polyline class=\"curve\" data-run=\"").append(name).append("\" fill=\"none\" stroke=\"").append(colour)
                .append("\" stroke-width=\"2\" points=\"").append(points).append("\"/>\n");
        for (EvalPoint point : run.curve()) {
            double x = x(point.step(), maxStep);
            if (point.ok()) {
                svg.append("<circle class=\"point\" cx=\"").append(coordinate(x)).append("\" cy=\"").append(coordinate(y(point.accuracy())))
                        .append("\" r=\"3\" fill=\"").append(colour).append("\"><title>").append(name).append(" step ").append(point.step())
                        .append(": ").append(Formats.percent(point.accuracy())).append("</title></circle>\n");
            } else {
                svg.append("<text class=\"failed\" x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y(0) + 4))
                        .append("\" text-anchor=\"middle\" fill=\"#d62728\" font-size=\"12\">x<title>").append(name).append(" step ")
                        .append(point.step()).append(": ").append(point.status()).append(" ").append(escape(String.valueOf(point.error())))
                        .append("</title></text>\n");
            }
        }
        svg.append("</g>\n");
    }

    private static void legend(StringBuilder svg, RunStanding run, String colour, int index) {
        double y = TOP + 8 + index * 18;
        double x = LEFT + PLOT_WIDTH + 16;
        svg.append("<rect x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y - 8)).append("\" width=\"12\" height=\"3\" fill=\"")
                .append(colour).append("\"/>\n<text class=\"legend\" x=\"").append(coordinate(x + 18)).append("\" y=\"").append(coordinate(y - 3))
                .append("\" font-size=\"12\">").append(escape(run.runId())).append("</text>\n");
    }

    private static double x(long step, long maxStep) {
        return LEFT + PLOT_WIDTH * step / maxStep;
    }

    private static double y(double accuracy) {
        return TOP + PLOT_HEIGHT * (1 - accuracy);
    }
}
