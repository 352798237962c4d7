package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.ValueEncoding;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * RS-KD's cache format (the {@code SAMPLED_COUNTS} value encoding): at each position the distinct tokens drawn from
 * the teacher's proposal, with how often each was drawn and, when the proposal was not the teacher's distribution
 * itself, {@code log p - log q} of each. Decoded values are {@code log(c / N) + log p - log q}, the log of the
 * importance-weighted frequency that estimates the teacher's probability without bias (see the trainer's sampled
 * loss), and the log-sum-exp is 0. Counts are exact, so the estimate is exactly what the teacher drew.
 *
 * <p>A record has k slots a position (at least the most distinct tokens of any position; the number of draws
 * always suffices); unused slots have count 0, id 0 and decode to minus infinity. Bit string, least significant bit
 * first: a flag (1 bit) whether log ratios follow, the Rice parameter of the counts (4 bits), every slot's count as
 * a Rice code, then, with the flag, every used slot's log ratio as a float32. Slots are in descending order of
 * decoded value (ties by ascending id), used before unused.
 */
public final class SampledCounts {

    private static final int PARAMETER_BITS = 4;
    private static final int MAX_PARAMETER = 15;
    private static final String FIELD = "topkValues";

    private SampledCounts() {
    }

    /**
     * The top-K fields of positions {@code [firstPosition, firstPosition + positions)}: {@code ids} and
     * {@code counts} have k slots a position, {@code logRatios} too, or is null for a proposal equal to the teacher's
     * distribution. Slots are put in the order decoding needs.
     */
    public static EncodedTopK encode(int k, int vocabularySize, int[] ids, int[] counts, float[] logRatios, int firstPosition, int positions) {
        int entries = Math.multiplyExact(positions, k);
        int[] orderedIds = new int[entries];
        int[] orderedCounts = new int[entries];
        float[] orderedRatios = logRatios == null ? null : new float[entries];
        long sum = 0;
        for (int p = 0; p < positions; p++) {
            int from = (firstPosition + p) * k;
            int draws = 0;
            for (int r = 0; r < k; r++) {
                if (counts[from + r] < 0) {
                    throw new IllegalArgumentException("counts: position " + (firstPosition + p) + " has a negative count " + counts[from + r]);
                }
                draws += counts[from + r];
            }
            if (draws == 0) {
                throw new IllegalArgumentException("counts: position " + (firstPosition + p) + " has no draws");
            }
            Integer[] order = order(ids, counts, logRatios, from, k, draws);
            for (int r = 0; r < k; r++) {
                int slot = from + order[r];
                boolean used = counts[slot] > 0;
                orderedIds[p * k + r] = used ? ids[slot] : 0;
                orderedCounts[p * k + r] = counts[slot];
                if (orderedRatios != null) {
                    orderedRatios[p * k + r] = used ? logRatios[slot] : 0;
                }
                sum += counts[slot];
            }
        }
        int parameter = riceParameter(entries == 0 ? 0 : sum / entries);
        long bits = 1 + PARAMETER_BITS;
        for (int count : orderedCounts) {
            bits += BitWriter.riceBits(count, parameter) + (orderedRatios != null && count > 0 ? Float.SIZE : 0);
        }
        BitWriter out = new BitWriter(bits);
        out.bits(orderedRatios == null ? 0 : 1, 1);
        out.bits(parameter, PARAMETER_BITS);
        for (int count : orderedCounts) {
            out.rice(count, parameter);
        }
        if (orderedRatios != null) {
            for (int e = 0; e < entries; e++) {
                if (orderedCounts[e] > 0) {
                    out.bits(Float.floatToRawIntBits(orderedRatios[e]) & 0xffffffffL, Float.SIZE);
                }
            }
        }
        int idBits = BitPackedIds.bitsFor(vocabularySize);
        ByteBuffer classed = FrequencyClassIds.encode(orderedIds, 0, entries, vocabularySize, BitPackedIds.bytesFor(entries, idBits));
        ByteBuffer values = ByteBuffer.wrap(out.finish());
        return classed == null
                ? new EncodedTopK(IdEncoding.BITPACKED_LE, idBits, BitPackedIds.pack(orderedIds, 0, entries, vocabularySize), ValueEncoding.SAMPLED_COUNTS, values, null)
                : new EncodedTopK(IdEncoding.FREQUENCY_CLASSES, idBits, classed, ValueEncoding.SAMPLED_COUNTS, values, null);
    }

    /**
     * At most the bytes {@link #encode} writes for {@code positions} positions of {@code draws} draws each: ids never
     * take more than bit-packed ones, and as every position's counts sum to {@code draws}, the Rice parameter is the
     * same for any run of positions and a position's counts take at most {@code (draws >> m) + k (1 + m)} bits.
     */
    public static long maxBytes(int k, int vocabularySize, int draws, boolean logRatios, int positions) {
        long entries = (long) positions * k;
        int parameter = riceParameter(draws / k);
        long bits = 1 + PARAMETER_BITS + positions * ((long) (draws >> parameter) + (long) k * (1 + parameter))
                + (logRatios ? entries * Float.SIZE : 0);
        return BitPackedIds.bytesFor(entries, BitPackedIds.bitsFor(vocabularySize)) + BitPackedIds.bytesFor(bits, 1);
    }

    /** The Rice parameter of counts whose mean is {@code meanCount}: about its log2. */
    private static int riceParameter(long meanCount) {
        return Math.min(MAX_PARAMETER, Math.max(0, 63 - Long.numberOfLeadingZeros(Math.max(1, meanCount))));
    }

    /** Decodes {@code positions} positions of log weights into {@code into[offset ..]} ({@code offset} a multiple of k). */
    public static void decode(ByteBuffer bytes, int k, int positions, float[] into, int offset) {
        BitReader in = new BitReader(bytes, FIELD);
        boolean ratios = in.bit() == 1;
        int parameter = in.bits(PARAMETER_BITS);
        int entries = Math.multiplyExact(positions, k);
        int[] counts = new int[entries];
        for (int e = 0; e < entries; e++) {
            counts[e] = in.rice(parameter, Integer.MAX_VALUE >>> parameter);
        }
        for (int p = 0; p < positions; p++) {
            long draws = 0;
            for (int r = 0; r < k; r++) {
                if (r > 0 && counts[p * k + r] > 0 && counts[p * k + r - 1] == 0) {
                    throw new IllegalArgumentException(FIELD + ": position " + (offset / k + p) + " has a used slot " + r + " after an unused one");
                }
                draws += counts[p * k + r];
            }
            if (draws == 0) {
                throw new IllegalArgumentException(FIELD + ": position " + (offset / k + p) + " has no draws");
            }
            for (int r = 0; r < k; r++) {
                int count = counts[p * k + r];
                into[offset + p * k + r] = count == 0 ? Float.NEGATIVE_INFINITY : (float) Math.log(count / (double) draws);
            }
        }
        if (ratios) {
            for (int e = 0; e < entries; e++) {
                if (counts[e] > 0) {
                    into[offset + e] = (float) (into[offset + e] + (double) Float.intBitsToFloat(in.bits(Float.SIZE)));
                }
            }
        }
        in.requireEnd();
        DescendingValues.require(FIELD, into, k, offset / k, positions);
    }

    /** Slots by decoded value, descending (ties by id), used before unused: the value computed as decoding will. */
    private static Integer[] order(int[] ids, int[] counts, float[] logRatios, int from, int k, int draws) {
        double[] value = new double[k];
        Integer[] order = new Integer[k];
        for (int r = 0; r < k; r++) {
            int count = counts[from + r];
            double logWeight = Math.log(count / (double) draws);
            value[r] = count == 0 ? Double.NEGATIVE_INFINITY
                    : (float) (logRatios == null ? (float) logWeight : (float) logWeight + (double) logRatios[from + r]);
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> {
            int byValue = Double.compare(value[b], value[a]);
            if (byValue != 0) {
                return byValue;
            }
            boolean aUsed = counts[from + a] > 0;
            return aUsed != (counts[from + b] > 0) ? (aUsed ? -1 : 1) : Integer.compare(ids[from + a], ids[from + b]);
        });
        return order;
    }
}
