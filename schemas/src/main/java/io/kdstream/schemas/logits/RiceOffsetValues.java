package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/**
 * The {@code TOP_OFFSET_RICE} value encoding: the codes of {@link TopOffsetValues} (so the same decoded values and
 * the same KL bound), with each position's offsets, which ascend, written as Golomb-Rice codes of their differences.
 * Down a teacher's list the values crowd together, so the differences there are mostly 0 or 1 and cost a bit or two,
 * against the 8 bits of {@code TOP_OFFSET_U8}.
 *
 * <p>Bit string, least significant bit first: the Rice parameter (4 bits, 0 to 8: at 8 every difference takes 9
 * bits, the most an encoder chooses); then per position the tail-mass code (8 bits) and the k - 1 differences
 * {@code code[r] - code[r-1]}, with {@code code[0] = 0}.
 */
public final class RiceOffsetValues {

    private static final int PARAMETER_BITS = 4;
    private static final int MAX_PARAMETER = 8;
    private static final int CODES = 256;
    private static final String FIELD = "topkValues";

    private RiceOffsetValues() {
    }

    /** As {@link TopOffsetValues#encode}, then entropy-coded. */
    public static ByteBuffer encode(int k, float[] values, float[] logSumExp, int firstPosition, int positions) {
        byte[] codes = TopOffsetValues.encode(k, values, logSumExp, firstPosition, positions).array();
        long[] histogram = new long[CODES];
        for (int p = 0; p < positions; p++) {
            int previous = 0;
            for (int r = 1; r < k; r++) {
                int code = codes[p * k + r] & 0xff;
                histogram[code - previous]++;
                previous = code;
            }
        }
        int parameter = 0;
        long best = Long.MAX_VALUE;
        for (int candidate = 0; candidate <= MAX_PARAMETER; candidate++) {
            long bits = 0;
            for (int difference = 0; difference < CODES; difference++) {
                bits += histogram[difference] * BitWriter.riceBits(difference, candidate);
            }
            if (bits < best) {
                best = bits;
                parameter = candidate;
            }
        }
        BitWriter out = new BitWriter(PARAMETER_BITS + (long) positions * Byte.SIZE + best);
        out.bits(parameter, PARAMETER_BITS);
        for (int p = 0; p < positions; p++) {
            int at = p * k;
            out.bits(codes[at] & 0xff, Byte.SIZE);
            int previous = 0;
            for (int r = 1; r < k; r++) {
                int code = codes[at + r] & 0xff;
                out.rice(code - previous, parameter);
                previous = code;
            }
        }
        return ByteBuffer.wrap(out.finish());
    }

    /** The most bytes {@link #encode} writes for that many positions: every difference at 9 bits. */
    public static long maxBytes(int k, long positions) {
        return (PARAMETER_BITS + positions * (Byte.SIZE + (k - 1L) * (MAX_PARAMETER + 1)) + 7) / 8;
    }

    /** Decodes {@code positions} positions of log-probabilities into {@code into[offset ..]}, as {@link TopOffsetValues#decode}. */
    public static void decode(ByteBuffer bytes, int k, int positions, float[] into, int offset) {
        BitReader in = new BitReader(bytes, FIELD);
        int parameter = in.bits(PARAMETER_BITS);
        if (parameter > MAX_PARAMETER) {
            throw new IllegalArgumentException(FIELD + ": Rice parameter " + parameter + " is above " + MAX_PARAMETER);
        }
        byte[] codes = new byte[Math.multiplyExact(positions, k)];
        int maxQuotient = (CODES - 1) >>> parameter;
        for (int p = 0; p < positions; p++) {
            int at = p * k;
            codes[at] = (byte) in.bits(Byte.SIZE);
            int code = 0;
            for (int r = 1; r < k; r++) {
                code += in.rice(parameter, maxQuotient);
                if (code >= CODES) {
                    throw new IllegalArgumentException(FIELD + ": the offsets of position " + (offset / k + p) + " pass " + (CODES - 1)
                            + " at entry " + r);
                }
                codes[at + r] = (byte) code;
            }
        }
        in.requireEnd();
        TopOffsetValues.decode(ByteBuffer.wrap(codes), k, positions, into, offset);
    }
}
