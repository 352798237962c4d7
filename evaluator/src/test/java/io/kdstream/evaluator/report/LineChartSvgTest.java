package io.kdstream.evaluator.report;

import io.kdstream.evaluator.report.LineChartSvg.Key;
import io.kdstream.evaluator.report.LineChartSvg.Panel;
import io.kdstream.evaluator.report.LineChartSvg.Point;
import io.kdstream.evaluator.report.LineChartSvg.Series;
import io.kdstream.evaluator.report.LineChartSvg.Stroke;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The one SVG line-chart writer the leaderboard and the benchmarks share. */
class LineChartSvgTest {

    private static final Stroke BLUE = Stroke.solid("#1f77b4", 2);

    private static Panel panel(List<Series> series) {
        return new Panel("accuracy", "step", 100, 100, "%.0f%%", series);
    }

    @Test
    void namesTheRunAndEscapesWhatTheDataSays() {
        Series run = new Series(BLUE, List.of(new Point(50, 40, "a<b> step 50: 40%")), null, "a<b>\"c\"", true,
                List.of(new Point(100, 0, "a<b> step 100: FAILED")));
        String svg = LineChartSvg.render("learning-curves", "accuracy & step", List.of(panel(List.of(run))), List.of());

        assertThat(svg).startsWith("<svg class=\"learning-curves\"").contains("aria-label=\"accuracy &amp; step\"")
                .contains("<polyline class=\"curve\" data-run=\"a&lt;b&gt;&quot;c&quot;\" points=\"")
                .contains("<title>a&lt;b&gt; step 50: 40%</title></circle>")
                .contains("class=\"failed\"").contains("<title>a&lt;b&gt; step 100: FAILED</title>")
                .doesNotContain("a<b>");
    }

    @Test
    void mapsPointsIntoThePanelAndClipsWhatLiesAbove() {
        Series line = Series.of(BLUE, List.of(new Point(0, 0), new Point(100, 50), new Point(100, 250)), null);
        String svg = LineChartSvg.render("chart", "t", List.of(panel(List.of(line))), List.of());

        Matcher points = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
        assertThat(points.find()).isTrue();
        // panel 360 x 260 at (48, 30): y 0 at the bottom (290), 50 of 100 half way, 250 clipped to the top (30)
        assertThat(points.group(1)).isEqualTo("48.0,290.0 408.0,160.0 408.0,30.0");
    }

    @Test
    void aLegendWiderThanTheChartWrapsIntoRowsAndTheChartGrowsForThem() {
        List<Key> one = List.of(new Key("sft", BLUE));
        List<Key> many = Collections.nCopies(8, new Key("a run with a long name", BLUE));
        String oneRow = LineChartSvg.render("chart", "t", List.of(panel(List.of())), one);
        String wrapped = LineChartSvg.render("chart", "t", List.of(panel(List.of())), many);

        assertThat(legendRows(wrapped)).isGreaterThan(1);
        assertThat(height(wrapped)).isEqualTo(height(oneRow) + (legendRows(wrapped) - 1) * 18);
    }

    private static long legendRows(String svg) {
        return Pattern.compile("<text class=\"legend\" x=\"\\d+\" y=\"(\\d+)\"").matcher(svg).results().map(m -> m.group(1)).distinct().count();
    }

    private static int height(String svg) {
        Matcher height = Pattern.compile("height=\"(\\d+)\"").matcher(svg);
        assertThat(height.find()).isTrue();
        return Integer.parseInt(height.group(1));
    }
}
