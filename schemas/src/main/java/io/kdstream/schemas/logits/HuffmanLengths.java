package io.kdstream.schemas.logits;

/**
 * Huffman code lengths for a few symbols (the frequency classes of {@link FrequencyClassIds}), and their canonical
 * codes: symbols ordered by length, then by number, take consecutive codes. A lone symbol needs no bits.
 */
final class HuffmanLengths {

    private HuffmanLengths() {
    }

    /** Lengths of symbols {@code 0 .. symbols-1}; 0 for a symbol of weight 0, and for the only one of positive weight. */
    static int[] of(long[] weights, int symbols) {
        int[] lengths = new int[symbols];
        // nodes 0..symbols-1 are the leaves, merged nodes follow; each remembers its parent
        long[] weight = new long[2 * symbols];
        int[] parent = new int[2 * symbols];
        boolean[] merged = new boolean[2 * symbols];
        int nodes = 0;
        int live = 0;
        for (int s = 0; s < symbols; s++) {
            weight[nodes++] = weights[s];
            if (weights[s] > 0) {
                live++;
            } else {
                merged[s] = true;
            }
        }
        if (live < 2) {
            return lengths;
        }
        for (; live > 1; live--) {
            int first = lightest(weight, merged, nodes, -1);
            int second = lightest(weight, merged, nodes, first);
            merged[first] = true;
            merged[second] = true;
            weight[nodes] = weight[first] + weight[second];
            parent[first] = nodes;
            parent[second] = nodes;
            nodes++;
        }
        int root = nodes - 1;
        for (int s = 0; s < symbols; s++) {
            if (weights[s] > 0) {
                for (int node = s; node != root; node = parent[node]) {
                    lengths[s]++;
                }
            }
        }
        return lengths;
    }

    private static int lightest(long[] weight, boolean[] merged, int nodes, int except) {
        int best = -1;
        for (int n = 0; n < nodes; n++) {
            if (!merged[n] && n != except && (best < 0 || weight[n] < weight[best])) {
                best = n;
            }
        }
        return best;
    }

    /** Each symbol's canonical code with its bits reversed, so that an LSB-first writer emits it most significant bit first. */
    static int[] canonicalCodesReversed(int[] lengths) {
        int[] reversed = new int[lengths.length];
        int code = 0;
        for (int length = 1; length <= Integer.SIZE - 1; length++) {
            for (int s = 0; s < lengths.length; s++) {
                if (lengths[s] == length) {
                    reversed[s] = Integer.reverse(code) >>> (Integer.SIZE - length);
                    code++;
                }
            }
            code <<= 1;
        }
        return reversed;
    }
}
