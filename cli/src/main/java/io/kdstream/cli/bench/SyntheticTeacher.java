package io.kdstream.cli.bench;

import io.kdstream.schemas.logits.TopKSequence;

import java.util.SplittableRandom;

/**
 * Teacher output for the codec benchmark, made the way a teacher makes it: a logit for every token of the vocabulary
 * (Gaussian, scale 2, with one token lifted by up to 8 nats, as a confident next token is), then the top K in
 * descending order (ties by ascending id) and the full-vocabulary log-sum-exp.
 */
final class SyntheticTeacher {

    private static final double LOGIT_SCALE = 2;
    private static final double MAX_LIFT = 8;

    private SyntheticTeacher() {
    }

    static TopKSequence topK(int k, int vocabularySize, int positions, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] logits = new double[vocabularySize];
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        int[] heapIds = new int[k];
        for (int p = 0; p < positions; p++) {
            for (int id = 0; id < vocabularySize; id++) {
                logits[id] = (float) (LOGIT_SCALE * random.nextGaussian());
            }
            int lifted = random.nextInt(vocabularySize);
            logits[lifted] = (float) (logits[lifted] + MAX_LIFT * random.nextDouble());
            selectTop(logits, heapIds);
            for (int r = 0; r < k; r++) {
                ids[p * k + r] = heapIds[r];
                values[p * k + r] = (float) logits[heapIds[r]];
            }
            logSumExp[p] = (float) logSumExp(logits);
        }
        return new TopKSequence(k, vocabularySize, ids, values, logSumExp);
    }

    /** The ids of the {@code into.length} largest logits, descending, ties by ascending id. */
    private static void selectTop(double[] logits, int[] into) {
        int k = into.length;
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size < k) {
                into[size++] = id;
                siftUp(logits, into, size - 1);
            } else if (ranksAbove(logits, id, into[0])) {
                into[0] = id;
                siftDown(logits, into, 0, k);
            }
        }
        // heap sort: repeatedly move the smallest to the end, leaving the array descending
        for (int end = k - 1; end > 0; end--) {
            int smallest = into[0];
            into[0] = into[end];
            into[end] = smallest;
            siftDown(logits, into, 0, end);
        }
    }

    private static boolean ranksAbove(double[] logits, int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    }

    /** Min-heap on rank: the root is the lowest-ranked id kept. */
    private static void siftUp(double[] logits, int[] heap, int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!ranksAbove(logits, heap[parent], heap[at])) {
                return;
            }
            swap(heap, at, parent);
            at = parent;
        }
    }

    private static void siftDown(double[] logits, int[] heap, int at, int size) {
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && ranksAbove(logits, heap[child], heap[child + 1])) {
                child++;
            }
            if (!ranksAbove(logits, heap[at], heap[child])) {
                return;
            }
            swap(heap, at, child);
            at = child;
        }
    }

    private static void swap(int[] heap, int i, int j) {
        int swap = heap[i];
        heap[i] = heap[j];
        heap[j] = swap;
    }

    private static double logSumExp(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (double logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }
}
