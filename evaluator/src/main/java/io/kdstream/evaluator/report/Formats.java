package io.kdstream.evaluator.report;

import io.kdstream.evaluator.leaderboard.EvalPoint;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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

    /** Each family's accuracy, in name order: {@code affine 12.5%, fizzsum 100.0%}. */
    static String byFamily(Map<String, Double> solvedByFamily) {
        return solvedByFamily.isEmpty() ? MISSING : solvedByFamily.entrySet().stream()
                .map(family -> family.getKey() + " " + percent(family.getValue())).collect(Collectors.joining(", "));
    }

    static String bestWithStep(EvalPoint best) {
        return best == null ? MISSING : percent(best.accuracy()) + " @ " + best.step();
    }
}
