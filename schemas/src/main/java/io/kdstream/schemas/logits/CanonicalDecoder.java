package io.kdstream.schemas.logits;

/**
 * Reads the canonical codes {@link HuffmanLengths} assigns: by one table lookup of the next {@code maxLength} bits
 * when codes are short (as a handful of frequency classes' are), else one bit at a time.
 */
final class CanonicalDecoder {

    /** Codes up to this long are read through a table of 2^length entries. */
    private static final int MAX_TABLE_BITS = 12;
    private static final int LENGTH_BITS = 5;

    private final int[] countOfLength;
    private final int[] symbolsByCode;
    private final int maxLength;
    private final int onlySymbol;
    /** Indexed by the next maxLength bits as read (least significant first): symbol << 5 | code length. */
    private final int[] table;

    private CanonicalDecoder(int[] countOfLength, int[] symbolsByCode, int maxLength, int onlySymbol, int[] table) {
        this.countOfLength = countOfLength;
        this.symbolsByCode = symbolsByCode;
        this.maxLength = maxLength;
        this.onlySymbol = onlySymbol;
        this.table = table;
    }

    /**
     * The decoder for these code lengths over the symbols of positive {@code sizes}; fails, naming the field, unless
     * the lengths form a complete prefix code (or a single symbol of length 0).
     */
    static CanonicalDecoder of(int[] lengths, int[] sizes, String field) {
        int used = 0;
        int only = -1;
        int maxLength = 0;
        int[] countOfLength = new int[Integer.SIZE];
        for (int s = 0; s < lengths.length; s++) {
            if (sizes[s] > 0) {
                used++;
                only = s;
                countOfLength[lengths[s]]++;
                maxLength = Math.max(maxLength, lengths[s]);
            } else if (lengths[s] != 0) {
                throw new IllegalArgumentException(field + ": empty class " + s + " has a code");
            }
        }
        if (used <= 1) {
            if (used == 1 && lengths[only] != 0) {
                throw new IllegalArgumentException(field + ": the only class has a code of " + lengths[only] + " bits");
            }
            return new CanonicalDecoder(countOfLength, new int[0], 0, only, null);
        }
        long kraft = 0;
        for (int length = 1; length <= maxLength; length++) {
            kraft += (long) countOfLength[length] << (Integer.SIZE - length);
        }
        if (countOfLength[0] != 0 || kraft != 1L << Integer.SIZE) {
            throw new IllegalArgumentException(field + ": the class code lengths do not form a complete prefix code");
        }
        int[] symbolsByCode = new int[used];
        int next = 0;
        for (int length = 1; length <= maxLength; length++) {
            for (int s = 0; s < lengths.length; s++) {
                if (sizes[s] > 0 && lengths[s] == length) {
                    symbolsByCode[next++] = s;
                }
            }
        }
        return new CanonicalDecoder(countOfLength, symbolsByCode, maxLength, -1, maxLength <= MAX_TABLE_BITS ? table(lengths, sizes, maxLength) : null);
    }

    private static int[] table(int[] lengths, int[] sizes, int maxLength) {
        int[] table = new int[1 << maxLength];
        int[] reversed = HuffmanLengths.canonicalCodesReversed(lengths);
        for (int s = 0; s < lengths.length; s++) {
            if (sizes[s] > 0) {
                // every bit pattern that starts with this code (read least significant bit first) decodes to it
                for (int rest = 0; rest < 1 << (maxLength - lengths[s]); rest++) {
                    table[reversed[s] | rest << lengths[s]] = s << LENGTH_BITS | lengths[s];
                }
            }
        }
        return table;
    }

    int next(BitReader in) {
        if (maxLength == 0) {
            return onlySymbol;
        }
        if (table != null) {
            int entry = table[in.peek(maxLength)];
            in.skip(entry & ((1 << LENGTH_BITS) - 1));
            return entry >>> LENGTH_BITS;
        }
        int code = 0;
        int first = 0;
        int index = 0;
        for (int length = 1; ; length++) {
            code |= in.bit();
            int count = countOfLength[length];
            if (code - first < count) {
                return symbolsByCode[index + code - first];
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
    }
}
