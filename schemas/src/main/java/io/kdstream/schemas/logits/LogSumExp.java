package io.kdstream.schemas.logits;

import java.util.function.IntToDoubleFunction;

/** {@code log(sum exp(v_i))} of a few values, shifted by their maximum so that no exp overflows. */
public final class LogSumExp {

    private LogSumExp() {
    }

    /** Of the values {@code value(0)} to {@code value(count - 1)}. */
    public static double of(int count, IntToDoubleFunction value) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, value.applyAsDouble(i));
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += Math.exp(value.applyAsDouble(i) - max);
        }
        return max + Math.log(sum);
    }
}
