package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/**
 * The {@code TOP_OFFSET_U8} value encoding: one byte an entry, within 1e-3 nats (KL) of the exact top-K distribution,
 * both renormalised over the K entries and with the mass outside them.
 *
 * <p>Per position, byte r ≥ 1 is entry r's distance below the top value in steps of 1/16 nat (rounded, saturating at
 * 255, about 16 nats). Rounding errors lie in an interval of width 1/16, so by Hoeffding's lemma the renormalised
 * distribution is off by at most (1/16)²/8 ≈ 4.9e-4 nats; entries beyond 16 nats carry under 1.2e-7 of the top
 * entry's probability each. Because the values are descending the distances are ascending, and rounding keeps them so:
 * order and ties survive. Byte 0 holds what the offsets cannot say, the probability mass outside the top K,
 * {@code t = 1 - sum exp(v[r] - logSumExp)} (log-sum-exp 0 for log-probabilities): its log-odds {@code x} are
 * companded by {@code u = 2 atan(tanh(x/4))}, under which the Bernoulli KL of a small step is the same everywhere, and
 * {@code u} is cut into 256 equal cells decoded at their centres: at most 2.4e-5 nats (in the end cells; about 1.9e-5
 * elsewhere). With the tail, the KL is the renormalised one times {@code 1 - t} plus that Bernoulli KL.
 *
 * <p>Decoding gives log-probabilities: the offsets renormalised over the K entries and scaled to {@code 1 - t}.
 * The logits' common shift per position is not kept; no loss depends on it.
 */
public final class TopOffsetValues {

    /** Nats a distance code stands for. */
    public static final double STEP = 1.0 / 16;
    private static final double CODES_PER_NAT = 1 / STEP;
    private static final int CODES = 256;
    private static final int MAX_CODE = CODES - 1;
    /**
     * How far the top-K log-sum-exp may exceed the full-vocabulary one, beyond the float32 rounding of both (a few
     * ulps of the larger): further than that the teacher's numbers contradict each other.
     */
    private static final double MASS_ROUNDING_NATS = 1e-3;
    private static final int ROUNDING_ULPS = 4;

    private static final double[] OFFSET = new double[CODES];
    private static final double[] EXP_NEG_OFFSET = new double[CODES];
    private static final double[] LOG_TOP_K_MASS = new double[CODES];

    static {
        for (int code = 0; code < CODES; code++) {
            OFFSET[code] = code * STEP;
            EXP_NEG_OFFSET[code] = Math.exp(-OFFSET[code]);
            double u = -Math.PI / 2 + (code + 0.5) * Math.PI / CODES;
            double tailLogOdds = 4 * atanh(Math.tan(u / 2));
            LOG_TOP_K_MASS[code] = -softplus(tailLogOdds);
        }
    }

    private TopOffsetValues() {
    }

    /**
     * Encodes positions {@code [firstPosition, firstPosition + positions)} of {@code values} (k a position,
     * descending); {@code logSumExp} holds each position's full-vocabulary log-sum-exp, or is null when the values
     * are log-probabilities.
     */
    public static ByteBuffer encode(int k, float[] values, float[] logSumExp, int firstPosition, int positions) {
        byte[] out = new byte[Math.multiplyExact(positions, k)];
        for (int p = 0; p < positions; p++) {
            int position = firstPosition + p;
            int in = position * k;
            int at = p * k;
            double top = values[in];
            if (!Double.isFinite(top)) {
                throw new IllegalArgumentException("topkValues: the top value at position " + position + " is " + top);
            }
            double sum = 1; // the top entry's exp(0)
            double previous = top;
            for (int r = 1; r < k; r++) {
                double value = values[in + r];
                if (!(value <= previous)) {
                    throw new IllegalArgumentException("topkValues: position " + position + " is not in descending order (entry " + r
                            + " is " + value + " after " + previous + ")");
                }
                previous = value;
                double offset = top - value;
                int code = (int) Math.min(MAX_CODE, offset * CODES_PER_NAT + 0.5);
                sum += expNegative(offset, code);
                out[at + r] = (byte) code;
            }
            double fullLogSumExp = logSumExp == null ? 0 : logSumExp[position];
            if (!Double.isFinite(fullLogSumExp)) {
                throw new IllegalArgumentException("logSumExp at position " + position + " is " + fullLogSumExp);
            }
            double logTopKMass = top + Math.log(sum) - fullLogSumExp;
            double rounding = MASS_ROUNDING_NATS + ROUNDING_ULPS * Math.ulp((float) Math.max(Math.abs(top), Math.abs(fullLogSumExp)));
            if (!(logTopKMass <= rounding)) {
                throw new IllegalArgumentException("logSumExp at position " + position + " is " + fullLogSumExp
                        + ", below the log-sum-exp of its own top " + k + " values, " + (top + Math.log(sum)));
            }
            out[at] = (byte) massCode(logTopKMass);
        }
        return ByteBuffer.wrap(out);
    }

    /** Decodes {@code positions} positions of log-probabilities into {@code into[offset ..]} ({@code offset} a multiple of k). */
    public static void decode(ByteBuffer bytes, int k, int positions, float[] into, int offset) {
        int length = Math.multiplyExact(positions, k);
        if (bytes.remaining() != length) {
            throw new IllegalArgumentException("topkValues holds " + bytes.remaining() + " bytes, expected " + length
                    + " (" + positions + " positions of " + k + " TOP_OFFSET_U8 values)");
        }
        ByteView view = ByteView.of(bytes, length);
        byte[] array = view.array();
        int start = view.start();
        for (int p = 0; p < positions; p++) {
            int at = start + p * k;
            double sum = 1;
            int previous = 0;
            for (int r = 1; r < k; r++) {
                int code = array[at + r] & 0xff;
                if (code < previous) {
                    throw new IllegalArgumentException("topkValues: the offsets of position " + (offset / k + p) + " decrease at entry " + r
                            + " (" + code + " after " + previous + "), so its values would not be descending");
                }
                previous = code;
                sum += EXP_NEG_OFFSET[code];
            }
            double top = LOG_TOP_K_MASS[array[at] & 0xff] - Math.log(sum);
            int out = offset + p * k;
            into[out] = (float) top;
            for (int r = 1; r < k; r++) {
                into[out + r] = (float) (top - OFFSET[array[at + r] & 0xff]);
            }
        }
    }

    /**
     * {@code exp(-offset)} from its code's table value and the rounding residual {@code d}, {@code |d| <= 1/32}:
     * {@code exp(-d)} to the fourth order is off by under {@code d^5 / 120 = 2.5e-10} relative, far below the float32
     * inputs' own rounding, at a fraction of {@code Math.exp}'s cost. Saturated codes (and infinite offsets) take
     * the exact path.
     */
    private static double expNegative(double offset, int code) {
        if (code == MAX_CODE) {
            return Math.exp(-offset);
        }
        double d = offset - OFFSET[code];
        return EXP_NEG_OFFSET[code] * (1 - d * (1 - d * (0.5 - d * (1.0 / 6 - d * (1.0 / 24)))));
    }

    /**
     * The cell of the companded log-odds x of the mass t outside the top K, {@code 1 - exp(logTopKMass)}. With
     * {@code e^x = t / (1 - t) = expm1(-logTopKMass)}, {@code u = 2 atan(tanh(x/4)) = 2 atan(e^(x/2)) - pi/2}.
     */
    static int massCode(double logTopKMass) {
        if (logTopKMass >= 0) {
            return 0; // nothing outside the top K
        }
        double u = 2 * Math.atan(Math.sqrt(Math.expm1(-logTopKMass))) - Math.PI / 2;
        return Math.min(MAX_CODE, (int) ((u + Math.PI / 2) * CODES / Math.PI));
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
