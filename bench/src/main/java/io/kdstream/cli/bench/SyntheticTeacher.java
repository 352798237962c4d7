package io.kdstream.cli.bench;

import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.schemas.logits.EncodedTopK;
import io.kdstream.schemas.logits.SampledSequence;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.teacher.backend.SampledProposal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Teacher output for the benchmarks, made the way a teacher makes it: a logit for every token of the vocabulary, then
 * the top K in descending order (ties by ascending id) and the full-vocabulary log-sum-exp. Two shapes:
 * <ul>
 *   <li>{@link #topK}: Gaussian logits (scale 2) with one token lifted by up to 8 nats. Every id is as likely as any
 *   other, so the ids of a record hardly repeat: the worst case for an id code that exploits repetition.</li>
 *   <li>{@link #zipf}: as a language model's, the sum of a Zipf prior over the ids, {@code -ln(1 + id)} (token
 *   frequency falls as a power of its rank, and byte-pair vocabularies number tokens roughly by frequency), Gaussian
 *   noise of scale 1.5 (the context's reshuffling of it) and 8 context tokens at uniform ids lifted by
 *   {@code 20 sqrt(U)} nats. At V = 151,936 a position's entropy is about 0.85 nats and its top probability's median
 *   about 0.76; a 256-position record's 64-entry lists hold about 3,300 distinct ids.</li>
 * </ul>
 */
final class SyntheticTeacher {

    private static final double LOGIT_SCALE = 2;
    private static final double MAX_LIFT = 8;
    private static final double ZIPF_NOISE = 1.5;
    private static final int CONTEXT_TOKENS = 8;
    private static final double CONTEXT_LIFT = 20;

    private SyntheticTeacher() {
    }

    /** A teacher named {@code shape-V}, as the codec benchmark's parameter names it: {@code gaussian-100}, {@code zipf-151936}. */
    static TopKSequence named(String teacher, int k, int positions, long seed) {
        String[] parts = teacher.split("-", 2);
        int vocabularySize = vocabularySize(teacher);
        return switch (parts[0]) {
            case "gaussian" -> topK(k, vocabularySize, positions, seed);
            case "zipf" -> zipf(k, vocabularySize, positions, seed);
            default -> throw new IllegalArgumentException("unknown synthetic teacher '" + teacher + "'; expected gaussian-V or zipf-V");
        };
    }

    static int vocabularySize(String teacher) {
        return Integer.parseInt(teacher.substring(teacher.indexOf('-') + 1));
    }

    /** The Gaussian shape, ids uniform. */
    static TopKSequence topK(int k, int vocabularySize, int positions, long seed) {
        return sample(k, vocabularySize, positions, seed, false);
    }

    /** The Zipf shape of a language model's output. */
    static TopKSequence zipf(int k, int vocabularySize, int positions, long seed) {
        return sample(k, vocabularySize, positions, seed, true);
    }

    private static TopKSequence sample(int k, int vocabularySize, int positions, long seed, boolean zipf) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] logits = new double[vocabularySize];
        int[] ids = new int[positions * k];
        float[] values = new float[positions * k];
        float[] logSumExp = new float[positions];
        int[] heapIds = new int[k];
        for (int p = 0; p < positions; p++) {
            nextLogits(random, logits, zipf);
            selectTop(logits, heapIds);
            for (int r = 0; r < k; r++) {
                ids[p * k + r] = heapIds[r];
                values[p * k + r] = (float) logits[heapIds[r]];
            }
            logSumExp[p] = (float) logSumExp(logits);
        }
        return new TopKSequence(k, vocabularySize, ids, values, logSumExp);
    }

    /**
     * RS-KD's record of the same teacher output as {@link #named} makes for that seed: at each position
     * {@code draws} tokens drawn from the proposal at {@code proposalTemperature} ({@link SampledTokens}), in as many
     * slots a position as the most distinct tokens any position drew, encoded as {@code SAMPLED_COUNTS}.
     */
    static SampledRecord sampled(String teacher, int draws, double proposalTemperature, int positions, long seed) {
        int vocabularySize = vocabularySize(teacher);
        SplittableRandom random = new SplittableRandom(seed);
        double[] logits = new double[vocabularySize];
        float[] row = new float[vocabularySize];
        List<SampledTokens> drawn = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            nextLogits(random, logits, teacher.startsWith("zipf"));
            for (int v = 0; v < vocabularySize; v++) {
                row[v] = (float) logits[v];
            }
            drawn.add(SampledTokens.draw(row, 0, vocabularySize, draws, proposalTemperature, SampledTokens.seed("bench", p)));
        }
        SampledSequence sequence = new SampledProposal(draws, proposalTemperature).sequence(drawn, vocabularySize);
        return new SampledRecord(sequence.encode(0, positions), sequence.k());
    }

    /** An RS-KD record's top-K fields and its slots a position (its k). */
    record SampledRecord(EncodedTopK encoded, int slots) {
    }

    /** One position's logits over the vocabulary, of either shape. */
    private static void nextLogits(SplittableRandom random, double[] logits, boolean zipf) {
        int vocabularySize = logits.length;
        if (zipf) {
            for (int id = 0; id < vocabularySize; id++) {
                logits[id] = (float) (-Math.log1p(id) + ZIPF_NOISE * random.nextGaussian());
            }
            for (int c = 0; c < CONTEXT_TOKENS; c++) {
                int lifted = random.nextInt(vocabularySize);
                logits[lifted] = (float) (logits[lifted] + CONTEXT_LIFT * Math.sqrt(random.nextDouble()));
            }
        } else {
            for (int id = 0; id < vocabularySize; id++) {
                logits[id] = (float) (LOGIT_SCALE * random.nextGaussian());
            }
            int lifted = random.nextInt(vocabularySize);
            logits[lifted] = (float) (logits[lifted] + MAX_LIFT * random.nextDouble());
        }
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
