package io.kdstream.trainer.training;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small training batches for the optimiser's tests (a vocabulary of 100, as the tests' models have). */
final class TrainingBatches {

    static final CharTokenizer TOKENIZER = new CharTokenizer();

    private TrainingBatches() {
    }

    /** A trivial task: continue the repeating pattern "abc" from any phase. */
    static List<TokenizedExample> patternExamples() {
        List<TokenizedExample> examples = new ArrayList<>();
        String pattern = "abc".repeat(6);
        for (int i = 0; i < 8; i++) {
            examples.add(TOKENIZER.encodeExample("s" + i, pattern.substring(i % 3, i % 3 + 12 - i % 2)));
        }
        return examples;
    }

    static List<TrainingExample> sft(List<TokenizedExample> examples) {
        return examples.stream().map(TrainingExample::withoutTeacher).toList();
    }

    /**
     * Random but valid teacher logits: distinct ids, descending values, and a log-sum-exp that leaves about 10 % of
     * the teacher's mass outside the top-K.
     */
    static List<TrainingExample> withRandomTeacher(List<TokenizedExample> examples, int k, long seed) {
        Random random = new Random(seed);
        List<TrainingExample> result = new ArrayList<>();
        for (TokenizedExample example : examples) {
            int positions = example.positions();
            int[] ids = new int[positions * k];
            float[] values = new float[positions * k];
            float[] logSumExp = new float[positions];
            for (int p = 0; p < positions; p++) {
                int[] distinct = random.ints(5, 100).distinct().limit(k).toArray();
                double[] sorted = random.doubles(k, -2, 8).sorted().toArray();
                double inside = 0;
                for (int r = 0; r < k; r++) {
                    ids[p * k + r] = distinct[r];
                    values[p * k + r] = (float) sorted[k - 1 - r];
                    inside += Math.exp(values[p * k + r]);
                }
                logSumExp[p] = (float) Math.log(inside / 0.9);
            }
            result.add(new TrainingExample(example.tokens(), example.lossMask(), ids, values, logSumExp, k));
        }
        return result;
    }
}
