package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.EvalPoint;

import java.util.Locale;

/** How the page, the report and the markdown table write numbers; a missing value is "-". */
final class Formats {

    static final String MISSING = "-";

    private Formats() {
    }

    static String percent(Double share) {
        return share == null ? MISSING : String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    static String decimal(Double value) {
        return value == null || value.isNaN() ? MISSING : String.format(Locale.ROOT, "%.4f", value);
    }

    static String bestWithStep(EvalPoint best) {
        return best == null ? MISSING : percent(best.accuracy()) + " @ " + best.step();
    }
}
