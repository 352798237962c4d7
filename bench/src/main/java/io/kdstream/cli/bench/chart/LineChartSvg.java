package io.kdstream.cli.bench.chart;

import java.util.List;
import java.util.Locale;

/**
 * Line charts as hand-made SVG, no dependency: panels side by side, each a framed plot of polylines over
 * {@code [0, xMax] x [0, yMax]} with five grid lines and tick labels, and one legend below them. What the benchmarks'
 * figures (learning curves, the soak's time series) share.
 */
public final class LineChartSvg {

    private static final int PANEL_WIDTH = 360;
    private static final int PANEL_HEIGHT = 260;
    private static final int MARGIN_LEFT = 48;
    private static final int MARGIN_TOP = 30;
    private static final int MARGIN_BOTTOM = 40;
    private static final int TICKS = 5;

    private LineChartSvg() {
    }

    /**
     * One line.
     *
     * @param dash an SVG {@code stroke-dasharray} ("6,4"), or null for a solid line
     * @param points (x, y) pairs in the panel's units; y is clipped to the panel
     * @param label the line's name in the panel's own legend (top right), or null for none
     */
    public record Series(String colour, double width, double opacity, String dash, List<double[]> points, String label) {

        public static Series solid(String colour, double width, List<double[]> points, String label) {
            return new Series(colour, width, 1, null, points, label);
        }
    }

    /** A plot: its title, axes and lines; {@code yTickFormat} formats the y axis' tick values ("%.1f"). */
    public record Panel(String title, String xLabel, double xMax, double yMax, String yTickFormat, List<Series> series) {

        public Panel {
            if (!(xMax > 0) || !(yMax > 0)) {
                throw new IllegalArgumentException("a panel's axes need positive ranges, got x " + xMax + " and y " + yMax);
            }
        }
    }

    /** A legend entry: a short line in the series' style and a label. */
    public record Key(String label, String colour, double width, String dash) {
    }

    public static String render(List<Panel> panels, List<Key> legend) {
        int width = panels.size() * (PANEL_WIDTH + MARGIN_LEFT) + 20;
        int height = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, i * (PANEL_WIDTH + MARGIN_LEFT) + MARGIN_LEFT, panels.get(i));
        }
        int legendY = PANEL_HEIGHT + MARGIN_TOP + MARGIN_BOTTOM + 15;
        int x = MARGIN_LEFT;
        for (Key key : legend) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    x, legendY, x + 25, legendY, key.colour(), key.width(), dash(key.dash()), x + 30, legendY + 4, escape(key.label())));
            x += 30 + key.label().length() * 6 + 24; // about 6 px a character at 11 px
        }
        return svg.append("</svg>\n").toString();
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
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n",
                        x0 + PANEL_WIDTH - 170, y, x0 + PANEL_WIDTH - 150, y, series.colour(), series.width(), dash(series.dash()),
                        x0 + PANEL_WIDTH - 145, y + 4, escape(series.label())));
            }
            StringBuilder path = new StringBuilder();
            for (double[] point : series.points()) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(x0, point[0], panel), y(point[1], panel)));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-opacity=\"%.2f\"%s/>%n",
                    path.toString().trim(), series.colour(), series.width(), series.opacity(), dash(series.dash())));
        }
    }

    private static String dash(String dash) {
        return dash == null ? "" : " stroke-dasharray=\"" + dash + "\"";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static double x(int x0, double value, Panel panel) {
        return x0 + PANEL_WIDTH * value / panel.xMax();
    }

    private static double y(double value, Panel panel) {
        return MARGIN_TOP + PANEL_HEIGHT * (1 - Math.max(0, Math.min(1, value / panel.yMax())));
    }
}
