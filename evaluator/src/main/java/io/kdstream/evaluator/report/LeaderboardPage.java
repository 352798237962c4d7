package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.RunStanding;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.kdstream.evaluator.report.Html.escape;

/**
 * The leaderboard as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched): for each dataset
 * and split, the runs' learning curves and a table ranked by best accuracy. The live server and {@code kdstream
 * report} render the same page.
 */
public final class LeaderboardPage {

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; margin: 1em 0 2em; }
            th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; white-space: nowrap; }
            th { background: #f3f3f3; } td.run { text-align: left; font-family: monospace; }
            .note { color: #666; }
            """;

    private LeaderboardPage() {
    }

    /** @param refreshSeconds how often a browser reloads the page; 0 for a static report */
    public static String render(List<RunStanding> standings, Instant generatedAt, int refreshSeconds) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        if (refreshSeconds > 0) {
            html.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">\n");
        }
        html.append("<title>kdstream leaderboard</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>kdstream leaderboard</h1>\n<p class=\"note\">").append(standings.size()).append(" runs; generated ")
                .append(generatedAt).append(". Accuracy is exact match for answer tasks and pass@1 for code tasks.</p>\n");
        if (standings.isEmpty()) {
            html.append("<p id=\"empty\">No evaluations yet: results appear here as the evaluator publishes them to kd.evals.</p>\n");
        }
        for (Map.Entry<String, List<RunStanding>> section : bySection(standings).entrySet()) {
            String title = section.getKey();
            html.append("<section data-section=\"").append(escape(title)).append("\">\n<h2>").append(escape(title)).append("</h2>\n")
                    .append(LearningCurveChart.svg("accuracy against step, " + title, section.getValue()));
            table(html, section.getValue());
            html.append("</section>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static Map<String, List<RunStanding>> bySection(List<RunStanding> standings) {
        return standings.stream().collect(Collectors.groupingBy(s -> s.dataset() + " / " + s.split().toLowerCase(java.util.Locale.ROOT),
                LinkedHashMap::new, Collectors.toList()));
    }

    private static void table(StringBuilder html, List<RunStanding> runs) {
        html.append("<table class=\"leaderboard\">\n<thead><tr>");
        for (String header : LeaderboardColumns.HEADERS) {
            html.append("<th>").append(escape(header)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (RunStanding run : runs) {
            List<String> cells = LeaderboardColumns.cells(run);
            html.append("<tr data-run=\"").append(escape(run.runId())).append("\"><td class=\"run\">").append(escape(cells.get(0))).append("</td>");
            cells.subList(1, cells.size()).forEach(cell -> html.append("<td>").append(escape(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }
}
