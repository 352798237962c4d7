package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.leaderboard.Standings;
import io.kdstream.evaluator.web.LeaderboardHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kdstream.evaluator.leaderboard.EvalResults.code;
import static io.kdstream.evaluator.leaderboard.EvalResults.invalid;
import static io.kdstream.evaluator.leaderboard.EvalResults.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard page as headless Chromium parses and paints it, served by the real HTTP server. */
class LeaderboardPageChromiumTest {

    private static final List<RunStanding> STANDINGS = Standings.fold(List.of(
            ok("kd-k8", 100, 0.20), ok("kd-k8", 200, 0.50), ok("kd-k8", 300, 0.62), invalid("kd-k8", 400),
            ok("sft", 100, 0.10), ok("sft", 200, 0.30), ok("sft", 300, 0.41),
            code("kd-k8", 300, 0.25)));

    @Test
    void shouldShowOneCurveARunAndARankedTableInTheBrowsersDom(@TempDir Path dir) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        String dom;
        try (LeaderboardHttp http = new LeaderboardHttp("127.0.0.1", 0, 0, () -> STANDINGS)) {
            dom = chromium.dumpDom("http://127.0.0.1:" + http.port() + "/", dir);
        }

        assertThat(dom).contains("<h1>kdstream leaderboard</h1>");
        String math = section(dom, "math / test");
        assertThat(count(math, "<svg class=\"learning-curves\"")).isEqualTo(1);
        assertThat(pointsOfCurve(math, "kd-k8")).as("three successful evaluations").hasSize(3);
        assertThat(pointsOfCurve(math, "sft")).hasSize(3);
        assertThat(count(math, "class=\"failed\"")).as("the invalid checkpoint is marked").isEqualTo(1);
        assertThat(rowsOf(math)).containsExactly(
                List.of("kd-k8", "400", "62.0%", "62.0% @ 300", "1.3800", "81.0%", "0.3800", "-", "4", "1"),
                List.of("sft", "300", "41.0%", "41.0% @ 300", "1.5900", "70.5%", "0.5900", "-", "3", "0"));
        String codeSection = section(dom, "code / test");
        assertThat(pointsOfCurve(codeSection, "kd-k8")).hasSize(1);
        assertThat(rowsOf(codeSection)).singleElement().satisfies(row -> {
            assertThat(row.get(3)).isEqualTo("25.0% @ 300");
            assertThat(row.get(7)).as("the latest evaluation by family").isEqualTo("affine 0.0%, fizzsum 50.0%");
        });
    }

    @Test
    void shouldPaintTheCurvesInTheirColours(@TempDir Path dir) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        Path png;
        try (LeaderboardHttp http = new LeaderboardHttp("127.0.0.1", 0, 0, () -> STANDINGS)) {
            png = chromium.screenshot("http://127.0.0.1:" + http.port() + "/", dir, 1000, 1400);
        }

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG screenshot").isNotNull();
        assertThat(pixelsOf(image, 0x1f77b4)).as("the first run's blue line").isGreaterThan(100);
        assertThat(pixelsOf(image, 0xff7f0e)).as("the second run's orange line").isGreaterThan(100);
    }

    private static String section(String dom, String title) {
        Matcher matcher = Pattern.compile("<section data-section=\"" + Pattern.quote(title) + "\">(.*?)</section>", Pattern.DOTALL).matcher(dom);
        assertThat(matcher.find()).as("a section for %s in the DOM", title).isTrue();
        return matcher.group(1);
    }

    private static List<String> pointsOfCurve(String section, String run) {
        Matcher matcher = Pattern.compile("<polyline class=\"curve\" data-run=\"" + Pattern.quote(run) + "\"[^>]*points=\"([^\"]*)\"").matcher(section);
        assertThat(matcher.find()).as("a curve for run %s", run).isTrue();
        return List.of(matcher.group(1).trim().split("\\s+"));
    }

    private static List<List<String>> rowsOf(String section) {
        Matcher rows = Pattern.compile("<tr data-run=\"[^\"]*\">(.*?)</tr>", Pattern.DOTALL).matcher(section);
        List<List<String>> out = new java.util.ArrayList<>();
        while (rows.find()) {
            Matcher cells = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(rows.group(1));
            List<String> row = new java.util.ArrayList<>();
            while (cells.find()) {
                row.add(cells.group(1));
            }
            out.add(row);
        }
        return out;
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    private static long pixelsOf(BufferedImage image, int rgb) {
        long count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
