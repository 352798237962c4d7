package io.kdstream.evaluator.report;

import java.util.List;
import java.util.Locale;

import static io.kdstream.evaluator.report.Html.coordinate;
import static io.kdstream.evaluator.report.Html.escape;

/**
 * Line charts as hand-made SVG, no script and no dependency: panels side by side, each a framed plot of polylines over
 * {@code [0, xMax] x [0, yMax]} with grid lines and tick labels, and one legend below them. The leaderboard's learning
 * curves and the benchmarks' figures (learning curves, the soak's time series) are all drawn here.
 */
public final class LineChartSvg {

    private static final int PANEL_WIDTH = 360;
    private static final int PANEL_HEIGHT = 260;
    private static final int MARGIN_LEFT = 48;
    private static final int MARGIN_TOP = 30;
    private static final int MARGIN_BOTTOM = 40;
    private static final int LEGEND_ROW = 18;
    private static final int TICKS = 5;
    private static final String FAILED_COLOUR = "#d62728";

    private LineChartSvg() {
    }

    /** How a line is drawn; {@code dash} is an SVG {@code stroke-dasharray} ("6,4"), or null for a solid line. */
    public record Stroke(String colour, double width, double opacity, String dash) {

        public static Stroke solid(String colour, double width) {
            return new Stroke(colour, width, 1, null);
        }
    }

    /** A point in the panel's units (y is clipped to the panel); {@code note}, or null, is its tooltip. */
    public record Point(double x, double y, String note) {

        public Point(double x, double y) {
            this(x, y, null);
        }
    }

    /**
     * One line.
     *
     * @param label    the line's name in its panel's legend (top right), or null for none
     * @param run      the run it draws, as the polyline's {@code data-run} (the page's tests find a run's curve by it), or null
     * @param dots     a dot on every point, with the point's note as its tooltip
     * @param failures x positions marked with a red cross on the x axis (evaluations that failed), with their notes
     */
    public record Series(Stroke stroke, List<Point> points, String label, String run, boolean dots, List<Point> failures) {

        public static Series of(Stroke stroke, List<Point> points, String label) {
            return new Series(stroke, points, label, null, false, List.of());
        }
    }

    /** A plot: its title, axes and lines; {@code yTickFormat} formats the y axis' tick values ("%.1f", "%.0f%%"). */
    public record Panel(String title, String xLabel, double xMax, double yMax, String yTickFormat, List<Series> series) {

        public Panel {
            if (!(xMax > 0) || !(yMax > 0)) {
                throw new IllegalArgumentException("a panel's axes need positive ranges, got x " + xMax + " and y " + yMax);
            }
        }
    }

    /** A legend entry: a short line in a series' stroke and a label. */
    public record Key(String label, Stroke stroke) {
    }

    /**
     * @param cssClass the {@code svg} element's class (a page styles or finds the chart by it)
     * @param title    what the chart shows, for screen readers and as the chart's tooltip
     */
    public static String render(String cssClass, String title, List<Panel> panels, List<Key> legend) {
        int width = panels.size() * (PANEL_WIDTH + MARGIN_LEFT) + 20;
        StringBuilder keys = new StringBuilder();
        int legendRows = legend(keys, legend, width);
        int height = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 12 + legendRows * LEGEND_ROW;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"%s\">%n<title>%s</title>%n",
                escape(cssClass), width, height, width, height, escape(title), escape(title)));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, i * (PANEL_WIDTH + MARGIN_LEFT) + MARGIN_LEFT, panels.get(i));
        }
        return svg.append(keys).append("</svg>\n").toString();
    }

    /** The legend below the panels, in as many rows as the chart's width needs; returns the number of rows. */
    private static int legend(StringBuilder svg, List<Key> legend, int width) {
        int rows = legend.isEmpty() ? 0 : 1;
        int x = MARGIN_LEFT;
        for (Key key : legend) {
            int keyWidth = 30 + key.label().length() * 6 + 24; // about 6 px a character at 11 px
            if (x > MARGIN_LEFT && x + keyWidth > width) {
                rows++;
                x = MARGIN_LEFT;
            }
            int y = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 15 + (rows - 1) * LEGEND_ROW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"%s/><text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>%n",
                    x, y, x + 25, y, stroke(key.stroke()), x + 30, y + 4, escape(key.label())));
            x += keyWidth;
        }
        return rows;
    }

    private static void panel(StringBuilder svg, int x0, Panel panel) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", x0, MARGIN_TOP - 10, escape(panel.title())));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", x0, MARGIN_TOP, PANEL_WIDTH, PANEL_HEIGHT));
        for (int tick = 0; tick <= TICKS; tick++) {
            double value = panel.yMax() * tick / TICKS;
            double y = y(value, panel);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    x0, y, x0 + PANEL_WIDTH, y, x0 - 4, y + 4, String.format(Locale.ROOT, panel.yTickFormat(), value)));
            long xValue = Math.round(panel.xMax() * tick / TICKS);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
                    x(x0, xValue, panel), MARGIN_TOP + PANEL_HEIGHT + 14, xValue));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x0 + PANEL_WIDTH / 2, MARGIN_TOP + PANEL_HEIGHT + 30, escape(panel.xLabel())));
        int labelled = 0;
        for (Series series : panel.series()) {
            if (series.label() != null) {
                int y = MARGIN_TOP + 14 + 14 * labelled++;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n",
                        x0 + PANEL_WIDTH - 170, y, x0 + PANEL_WIDTH - 150, y, stroke(series.stroke()), x0 + PANEL_WIDTH - 145, y + 4, escape(series.label())));
            }
            series(svg, x0, panel, series);
        }
    }

    private static void series(StringBuilder svg, int x0, Panel panel, Series series) {
        StringBuilder points = new StringBuilder();
        for (Point point : series.points()) {
            points.append(coordinate(x(x0, point.x(), panel))).append(',').append(coordinate(y(point.y(), panel))).append(' ');
        }
        svg.append("<polyline class=\"curve\"");
        if (series.run() != null) {
            svg.append(" data-run=\"").append(escape(series.run())).append('"');
        }
        svg.append(" points=\"").append(points.toString().trim()).append("\" fill=\"none\"").append(stroke(series.stroke())).append("/>\n");
        if (series.dots()) {
            for (Point point : series.points()) {
                svg.append("<circle class=\"point\" cx=\"").append(coordinate(x(x0, point.x(), panel))).append("\" cy=\"")
                        .append(coordinate(y(point.y(), panel))).append("\" r=\"3\" fill=\"").append(series.stroke().colour()).append("\">")
                        .append(tooltip(point.note())).append("</circle>\n");
            }
        }
        for (Point failure : series.failures()) {
            svg.append("<text class=\"failed\" x=\"").append(coordinate(x(x0, failure.x(), panel))).append("\" y=\"")
                    .append(coordinate(y(0, panel) + 4)).append("\" text-anchor=\"middle\" fill=\"").append(FAILED_COLOUR)
                    .append("\" font-size=\"12\">x").append(tooltip(failure.note())).append("</text>\n");
        }
    }

    /** A {@code title} child, which browsers show as the element's tooltip; nothing without a note. */
    private static String tooltip(String note) {
        return note == null ? "" : "<title>" + escape(note) + "</title>";
    }

    private static String stroke(Stroke stroke) {
        return String.format(Locale.ROOT, " stroke=\"%s\" stroke-width=\"%.1f\"%s%s", stroke.colour(), stroke.width(),
                stroke.opacity() == 1 ? "" : String.format(Locale.ROOT, " stroke-opacity=\"%.2f\"", stroke.opacity()),
                stroke.dash() == null ? "" : " stroke-dasharray=\"" + stroke.dash() + "\"");
    }

    private static double x(int x0, double value, Panel panel) {
        return x0 + PANEL_WIDTH * value / panel.xMax();
    }

    private static double y(double value, Panel panel) {
        return MARGIN_TOP + PANEL_HEIGHT * (1 - Math.max(0, Math.min(1, value / panel.yMax())));
    }
}
