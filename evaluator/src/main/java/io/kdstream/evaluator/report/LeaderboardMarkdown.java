package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.RunStanding;

import java.util.List;
import java.util.Locale;

/** The leaderboard as markdown tables, one a dataset and split, for a README, a pull request or a terminal. */
public final class LeaderboardMarkdown {

    private LeaderboardMarkdown() {
    }

    public static String render(List<RunStanding> standings) {
        StringBuilder md = new StringBuilder();
        String section = null;
        for (RunStanding run : standings) {
            String title = run.dataset() + " / " + run.split().toLowerCase(Locale.ROOT);
            if (!title.equals(section)) {
                section = title;
                md.append(md.length() == 0 ? "" : "\n").append("### ").append(title).append("\n\n");
                row(md, LeaderboardColumns.HEADERS);
                row(md, LeaderboardColumns.HEADERS.stream().map(h -> "---").toList());
            }
            row(md, LeaderboardColumns.cells(run));
        }
        return standings.isEmpty() ? "No evaluations yet.\n" : md.toString();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append("| ").append(String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
    }
}
