package io.kdstream.cli.bench.distill;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Means, standard deviations and the headline's "first step that reaches a target" over the runs' curves. */
public final class DistillStatistics {

    private DistillStatistics() {
    }

    public static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1); NaN for fewer than two values. */
    public static double sd(List<Double> values) {
        if (values.size() < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.size() - 1));
    }

    /** "mean ± sd" with the given format, or just the mean when there is one value. */
    public static String meanSd(List<Double> values, String format) {
        List<Double> finite = values.stream().filter(v -> v != null && Double.isFinite(v)).toList();
        if (finite.isEmpty()) {
            return "n/a";
        }
        String mean = String.format(Locale.ROOT, format, mean(finite));
        return finite.size() < 2 ? mean : mean + " ± " + String.format(Locale.ROOT, format, sd(finite));
    }

    /**
     * The first evaluated step of {@code curve} whose accuracy reaches {@code target}, as a fraction of
     * {@code referenceSteps}; empty when no checkpoint reaches it. The curve is in step order.
     */
    public static OptionalDouble firstReach(List<EvalPoint> curve, double target, long referenceSteps) {
        return firstReach(curve, target, referenceSteps, EvalPoint::accuracy);
    }

    /** As {@link #firstReach(List, double, long)} for any metric of a checkpoint. */
    public static OptionalDouble firstReach(List<EvalPoint> curve, double target, long referenceSteps,
                                            java.util.function.ToDoubleFunction<EvalPoint> metric) {
        for (EvalPoint point : curve) {
            if (metric.applyAsDouble(point) >= target - 1e-12) {
                return OptionalDouble.of((double) point.step() / referenceSteps);
            }
        }
        return OptionalDouble.empty();
    }
}
