package io.kdstream.evaluator.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.generation.Generation;
import io.kdstream.model.generation.Generator;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Prompt;

import java.util.ArrayList;
import java.util.List;

/** Scores one model on held-out prompts: exact-match accuracy of greedy answers and the reference answers' cross-entropy. */
public final class CheckpointScorer {

    private final CharTokenizer tokenizer;
    private final int maxNewTokens;
    private final int batchSize;

    public CheckpointScorer(CharTokenizer tokenizer, int maxNewTokens, int batchSize) {
        this.tokenizer = tokenizer;
        this.maxNewTokens = maxNewTokens;
        this.batchSize = batchSize;
    }

    public record Scores(int examples, double exactMatch, double answerCrossEntropy) {
    }

    public Scores score(DecoderLanguageModel model, List<Prompt> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no held-out prompts to evaluate on");
        }
        int correct = 0;
        double lossSum = 0;
        long lossPositions = 0;
        Generator generator = new Generator(model);
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<Prompt> batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            int[][] encoded = batch.stream().map(p -> tokenizer.encodePrompt(p.getPrompt())).toArray(int[][]::new);
            List<Generation> generations = generator.generate(encoded, maxNewTokens);
            for (int i = 0; i < batch.size(); i++) {
                if (FinalAnswer.matches(tokenizer.decode(generations.get(i).tokens()), batch.get(i).getExpectedAnswer())) {
                    correct++;
                }
            }
            List<TokenizedExample> references = new ArrayList<>();
            for (Prompt prompt : batch) {
                references.add(tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()));
            }
            double[] sumAndCount = crossEntropy(model, references);
            lossSum += sumAndCount[0];
            lossPositions += (long) sumAndCount[1];
        }
        return new Scores(prompts.size(), (double) correct / prompts.size(), lossPositions == 0 ? Double.NaN : lossSum / lossPositions);
    }

    /** Sum of -log p(target) over the loss-masked positions (the response), and their count. */
    private static double[] crossEntropy(DecoderLanguageModel model, List<TokenizedExample> examples) {
        int rows = examples.size();
        int width = examples.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
        int vocabulary = model.config().vocabularySize();
        int[] flat = new int[rows * width];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(examples.get(row).tokens(), 0, flat, row * width, examples.get(row).tokens().length);
        }
        float[] logits;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(flat, new Shape(rows, width));
            logits = model.logits(scope, tokens, false).toFloatArray();
        }
        double sum = 0;
        long count = 0;
        for (int row = 0; row < rows; row++) {
            TokenizedExample example = examples.get(row);
            for (int p = 0; p < example.positions(); p++) {
                if (example.lossMask()[p] == 0) {
                    continue;
                }
                int offset = (row * width + p) * vocabulary;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocabulary; v++) {
                    max = Math.max(max, logits[offset + v]);
                }
                double total = 0;
                for (int v = 0; v < vocabulary; v++) {
                    total += Math.exp(logits[offset + v] - max);
                }
                sum += max + Math.log(total) - logits[offset + example.tokens()[p + 1]];
                count++;
            }
        }
        return new double[] {sum, count};
    }
}
