package io.kdstream.schemas.logits;

/**
 * The distinct ids among a record's entries, as a bitmap over the vocabulary (19 KB at 151,936 ids, so it stays in
 * cache where a table of counts over the vocabulary would not) with a running count of set bits a word: the rank of
 * an id among the distinct ones, ascending, is one table read and one bit count. No hashing and no sorting.
 */
final class DistinctIds {

    private final long[] bits;
    private final int[] ranksBefore;
    private final int size;

    /** The distinct ids of {@code ids[from .. from+count)}, each checked to lie in {@code [0, vocabularySize)}. */
    DistinctIds(int[] ids, int from, int count, int vocabularySize) {
        bits = new long[(vocabularySize + 63) >>> 6];
        for (int i = from; i < from + count; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException("topkIds: token id " + id + " at entry " + i + " is outside the vocabulary of " + vocabularySize);
            }
            bits[id >>> 6] |= 1L << id;
        }
        ranksBefore = new int[bits.length];
        int running = 0;
        for (int word = 0; word < bits.length; word++) {
            ranksBefore[word] = running;
            running += Long.bitCount(bits[word]);
        }
        size = running;
    }

    int size() {
        return size;
    }

    /** The id's place among the distinct ids, ascending; the id must be one of them. */
    int rank(int id) {
        return ranksBefore[id >>> 6] + Long.bitCount(bits[id >>> 6] & ((1L << id) - 1));
    }

    /** The distinct ids, ascending. */
    int[] ascending() {
        int[] out = new int[size];
        int at = 0;
        for (int word = 0; word < bits.length; word++) {
            for (long rest = bits[word]; rest != 0; rest &= rest - 1) {
                out[at++] = word << 6 | Long.numberOfTrailingZeros(rest);
            }
        }
        return out;
    }
}
