package io.kdstream.schemas.logits;

import java.nio.ByteBuffer;

/**
 * The {@code FREQUENCY_CLASSES} id encoding: a record's ids coded by how often each occurs in it. A teacher's top-K
 * lists share ids from position to position (frequent tokens are candidates almost everywhere), so the distinct ids of
 * a record are far fewer than its entries, and some occur at most positions. Each distinct id falls in class c when
 * it occurs 2^c to 2^(c+1) - 1 times; an entry is written as its class (a canonical Huffman code over the classes,
 * weighted by their entries) and its index among the class's ids (ceil(log2 size) bits), so an entry costs about
 * the id's own information in the record plus at most one bit. The dictionary, each class's ids ascending, costs
 * Golomb-Rice codes of the gaps between them.
 *
 * <p>Bit string, least significant bit first: the class count n (5 bits); each class's size (Elias gamma); for each
 * non-empty class its Rice parameter (5 bits) and code length (5 bits, 0 when it is the only class); each class's ids,
 * ascending, as Rice codes of the gaps ({@code id - previous - 1}, the first from -1); then every entry: its class's
 * code (most significant bit first) and its index in the class.
 */
public final class FrequencyClassIds {

    private static final int FIELD_BITS = 5;
    private static final int MAX_CLASSES = 31;
    /** An id's index within its class and the class share one int while encoding. */
    private static final int CLASS_BITS = 5;
    private static final int MAX_ENTRIES = 1 << (Integer.SIZE - 1 - CLASS_BITS);
    private static final String FIELD = "topkIds";

    private FrequencyClassIds() {
    }

    /**
     * The encoding of {@code ids[from .. from+count)}, each in {@code [0, vocabularySize)}, or null when it would not
     * be smaller than {@code limitBytes} (the caller then keeps a fixed-width encoding).
     */
    public static ByteBuffer encode(int[] ids, int from, int count, int vocabularySize, long limitBytes) {
        if (count > MAX_ENTRIES) {
            throw new IllegalArgumentException("topkIds: " + count + " entries exceed the " + MAX_ENTRIES + " one record can code");
        }
        DistinctIds distinct = new DistinctIds(ids, from, count, vocabularySize);
        int[] occurrences = new int[distinct.size()];
        int[] ranks = new int[count];
        for (int i = 0; i < count; i++) {
            ranks[i] = distinct.rank(ids[from + i]);
            occurrences[ranks[i]]++;
        }
        int[] sizes = new int[MAX_CLASSES];
        long[] weights = new long[MAX_CLASSES];
        int classes = 0;
        for (int times : occurrences) {
            int c = 31 - Integer.numberOfLeadingZeros(times);
            sizes[c]++;
            weights[c] += times;
            classes = Math.max(classes, c + 1);
        }
        int[][] dictionary = new int[classes][];
        for (int c = 0; c < classes; c++) {
            dictionary[c] = new int[sizes[c]];
        }
        // each distinct id's class and index within it, in one int (reusing its count's place)
        int[] filled = new int[classes];
        int[] ascending = distinct.ascending();
        for (int d = 0; d < ascending.length; d++) {
            int c = 31 - Integer.numberOfLeadingZeros(occurrences[d]);
            dictionary[c][filled[c]] = ascending[d];
            occurrences[d] = filled[c]++ << CLASS_BITS | c;
        }
        int[] lengths = HuffmanLengths.of(weights, classes);
        int[] riceParameters = new int[classes];
        long bits = FIELD_BITS;
        for (int c = 0; c < classes; c++) {
            bits += BitWriter.gammaBits(sizes[c]);
            if (sizes[c] > 0) {
                riceParameters[c] = GapCoding.bestRiceParameter(dictionary[c]);
                bits += 2 * FIELD_BITS + GapCoding.riceBits(dictionary[c], riceParameters[c]) + weights[c] * (lengths[c] + indexBits(sizes[c]));
            }
        }
        if ((bits + 7) / 8 >= limitBytes) {
            return null;
        }
        int[] codes = HuffmanLengths.canonicalCodesReversed(lengths);
        BitWriter out = new BitWriter(bits);
        out.bits(classes, FIELD_BITS);
        for (int c = 0; c < classes; c++) {
            out.gamma(sizes[c]);
        }
        for (int c = 0; c < classes; c++) {
            if (sizes[c] > 0) {
                out.bits(riceParameters[c], FIELD_BITS);
                out.bits(lengths[c], FIELD_BITS);
            }
        }
        for (int c = 0; c < classes; c++) {
            GapCoding.writeRice(out, dictionary[c], riceParameters[c]);
        }
        int[] widths = new int[classes];
        for (int c = 0; c < classes; c++) {
            widths[c] = indexBits(sizes[c]);
        }
        for (int i = 0; i < count; i++) {
            int entry = occurrences[ranks[i]];
            int c = entry & ((1 << CLASS_BITS) - 1);
            // code and index in one write when they fit 32 bits, as they do but for vast records
            int entryBits = lengths[c] + widths[c];
            long codeAndIndex = codes[c] | (long) (entry >>> CLASS_BITS) << lengths[c];
            if (entryBits <= Integer.SIZE) {
                out.bits(codeAndIndex, entryBits);
            } else {
                out.bits(codes[c], lengths[c]);
                out.bits(entry >>> CLASS_BITS, widths[c]);
            }
        }
        return ByteBuffer.wrap(out.finish());
    }

    /** Decodes {@code count} ids, each below {@code 2^idBits}, into {@code into[offset ..]}. */
    public static void decode(ByteBuffer bytes, int idBits, int count, int[] into, int offset) {
        if (idBits < 1 || idBits > BitPackedIds.MAX_BITS) {
            throw new IllegalArgumentException("idBits is " + idBits + "; FREQUENCY_CLASSES ids need the vocabulary's width, 1 to " + BitPackedIds.MAX_BITS);
        }
        BitReader in = new BitReader(bytes, FIELD);
        int classes = in.bits(FIELD_BITS);
        int[] sizes = new int[classes];
        long distinct = 0;
        for (int c = 0; c < classes; c++) {
            sizes[c] = in.gamma();
            distinct += sizes[c];
        }
        if (distinct > Math.min(count, 1L << idBits)) {
            throw new IllegalArgumentException(FIELD + " declares " + distinct + " distinct ids for " + count + " entries of " + idBits + " bits");
        }
        int[] lengths = new int[classes];
        int[] riceParameters = new int[classes];
        for (int c = 0; c < classes; c++) {
            if (sizes[c] > 0) {
                riceParameters[c] = in.bits(FIELD_BITS);
                lengths[c] = in.bits(FIELD_BITS);
            }
        }
        CanonicalDecoder classCode = CanonicalDecoder.of(lengths, sizes, FIELD);
        int[][] dictionary = new int[classes][];
        for (int c = 0; c < classes; c++) {
            dictionary[c] = GapCoding.readRice(in, sizes[c], riceParameters[c], 1L << idBits, FIELD);
        }
        int[] widths = new int[classes];
        for (int c = 0; c < classes; c++) {
            widths[c] = indexBits(sizes[c]);
        }
        for (int i = 0; i < count; i++) {
            int c = classCode.next(in);
            int index = in.bits(widths[c]);
            if (index >= sizes[c]) {
                throw new IllegalArgumentException(FIELD + ": entry " + i + " names id " + index + " of a class of " + sizes[c]);
            }
            into[offset + i] = dictionary[c][index];
        }
        in.requireEnd();
    }

    /** Bits of an index among {@code size} ids: none for a single id. */
    private static int indexBits(int size) {
        return 32 - Integer.numberOfLeadingZeros(size - 1);
    }

    /** Golomb-Rice codes of the gaps between ascending ids. */
    private static final class GapCoding {

        private static final int MAX_PARAMETER = 30;

        static int bestRiceParameter(int[] ascending) {
            long span = ascending[ascending.length - 1] + 1L - ascending.length; // the sum of the gaps
            int guess = Math.max(0, 63 - Long.numberOfLeadingZeros(Math.max(1, span / ascending.length)));
            int best = guess;
            for (int k = Math.max(0, guess - 1); k <= Math.min(MAX_PARAMETER, guess + 1); k++) {
                if (riceBits(ascending, k) < riceBits(ascending, best)) {
                    best = k;
                }
            }
            return best;
        }

        static long riceBits(int[] ascending, int k) {
            long bits = 0;
            int previous = -1;
            for (int id : ascending) {
                bits += BitWriter.riceBits(id - previous - 1, k);
                previous = id;
            }
            return bits;
        }

        static void writeRice(BitWriter out, int[] ascending, int k) {
            int previous = -1;
            for (int id : ascending) {
                out.rice(id - previous - 1, k);
                previous = id;
            }
        }

        static int[] readRice(BitReader in, int size, int k, long idLimit, String field) {
            int[] ids = new int[size];
            long previous = -1;
            int maxQuotient = (int) Math.min(Integer.MAX_VALUE, idLimit >>> k);
            for (int i = 0; i < size; i++) {
                long id = previous + 1 + in.rice(k, maxQuotient);
                if (id >= idLimit) {
                    throw new IllegalArgumentException(field + ": dictionary id " + id + " is beyond the vocabulary's " + idLimit + " ids");
                }
                ids[i] = (int) id;
                previous = id;
            }
            return ids;
        }
    }
}
