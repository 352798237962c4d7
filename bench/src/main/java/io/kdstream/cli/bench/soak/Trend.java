package io.kdstream.cli.bench.soak;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A figure's growth a minute over some intervals (least squares) and that slope's standard error: a slope within
 * about two standard errors of zero is not shown to grow, and one of a few intervals says little either way.
 */
record Trend(double perMinute, double standardError) {

    /** NaN (both) with fewer than three intervals: no error can be told from two points. */
    static Trend of(List<SoakInterval> intervals, ToDoubleFunction<SoakInterval> value) {
        int n = intervals.size();
        if (n < 3) {
            return new Trend(Double.NaN, Double.NaN);
        }
        double meanX = intervals.stream().mapToDouble(Trend::minutes).average().orElseThrow();
        double meanY = intervals.stream().mapToDouble(value).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (SoakInterval interval : intervals) {
            double dx = minutes(interval) - meanX;
            covariance += dx * (value.applyAsDouble(interval) - meanY);
            variance += dx * dx;
        }
        double slope = covariance / variance;
        double residuals = 0;
        for (SoakInterval interval : intervals) {
            double residual = value.applyAsDouble(interval) - meanY - slope * (minutes(interval) - meanX);
            residuals += residual * residual;
        }
        return new Trend(slope, Math.sqrt(residuals / (n - 2) / variance));
    }

    Trend times(double factor) {
        return new Trend(perMinute * factor, standardError * factor);
    }

    /** "+1.2 ± 0.3" with the given number of decimals. */
    String format(int decimals) {
        return String.format(Locale.ROOT, "%+." + decimals + "f ± %." + decimals + "f", perMinute, standardError);
    }

    private static double minutes(SoakInterval interval) {
        return interval.endSeconds() / 60;
    }
}
