package io.kdstream.evaluator.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.generation.Generation;
import io.kdstream.model.generation.Generator;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.logits.SequenceLogits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Scores one model on held-out prompts: greedy answers judged by {@link TaskJudge} (exact match for math, pass@1
 * for code), what its distributions say at the reference responses' positions ({@link AnswerTokenStatistics}:
 * cross-entropy, calibration error, entropy and top-two margin), and, where the teacher's logits of a prompt are
 * cached, top-1 agreement and KL with the teacher ({@link TeacherComparison}) from the same forward pass.
 */
public final class CheckpointScorer {

    private final Tokenizer tokenizer;
    private final TaskJudge judge;
    private final int maxNewTokens;
    private final int batchSize;

    public CheckpointScorer(Tokenizer tokenizer, TaskJudge judge, int maxNewTokens, int batchSize) {
        this.tokenizer = tokenizer;
        this.judge = judge;
        this.maxNewTokens = maxNewTokens;
        this.batchSize = batchSize;
    }

    /** The generation limit of an answer: scores measured with another are not comparable. */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /**
     * @param exactMatch share of answer tasks solved, null when there were none
     * @param passAt1    share of code tasks solved, null when there were none
     * @param answerCalibrationError expected calibration error of the top token at the reference responses' positions
     * @param answerEntropy mean entropy (nats) of the model's distribution at the reference responses' positions
     * @param answerMargin  mean top probability minus the second's at those positions
     * @param teacherAgreement null (as is teacherKl) when no prompt had comparable teacher logits
     * @param solvedByFamily share of each problem family's tasks solved ({@link TaskJudge#family}), by family name
     */
    public record Scores(int examples, Double exactMatch, Double passAt1, double answerCrossEntropy,
                         double answerCalibrationError, double answerEntropy, double answerMargin, Double teacherAgreement,
                         Double teacherKl, int teacherExamples, Map<String, Double> solvedByFamily) {
    }

    /** @param teacherLogits the teacher's cached logits of a prompt, or null */
    public Scores score(DecoderLanguageModel model, List<Prompt> prompts, Function<Prompt, SequenceLogits> teacherLogits) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no held-out prompts to evaluate on");
        }
        SolvedShare answers = new SolvedShare();
        SolvedShare programs = new SolvedShare();
        Map<String, SolvedShare> families = new TreeMap<>();
        AnswerTokenStatistics answerTokens = new AnswerTokenStatistics();
        TeacherComparison teacher = new TeacherComparison();
        Generator generator = new Generator(model, tokenizer.endOfSequence(), tokenizer.padding());
        int vocabulary = model.config().vocabularySize();
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<Prompt> batch = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            int[][] encoded = batch.stream().map(p -> tokenizer.encodePrompt(p.getPrompt())).toArray(int[][]::new);
            List<Generation> generations = generator.generate(encoded, maxNewTokens);
            for (int i = 0; i < batch.size(); i++) {
                boolean solved = judge.solves(batch.get(i), tokenizer.decode(generations.get(i).tokens()));
                (TaskJudge.isCodeTask(batch.get(i)) ? programs : answers).add(solved);
                TaskJudge.family(batch.get(i)).ifPresent(family -> families.computeIfAbsent(family, f -> new SolvedShare()).add(solved));
            }
            List<TokenizedExample> references = new ArrayList<>();
            for (Prompt prompt : batch) {
                references.add(tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()));
            }
            int width = references.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
            float[] logits = logits(model, references, width);
            for (int row = 0; row < batch.size(); row++) {
                TokenizedExample example = references.get(row);
                int offset = row * width * vocabulary;
                responseTokens(example, logits, offset, vocabulary, answerTokens);
                SequenceLogits cached = teacherLogits.apply(batch.get(row));
                if (cached != null && cached.tokenizerFingerprint().equals(tokenizer.fingerprint())
                        && Arrays.equals(cached.tokens(), example.tokens())) {
                    teacher.add(cached, logits, offset, vocabulary);
                }
            }
        }
        return new Scores(prompts.size(), answers.share(), programs.share(),
                answerTokens.crossEntropy(), answerTokens.calibrationError(), answerTokens.entropy(), answerTokens.margin(),
                teacher.agreement(), teacher.kl(), teacher.examples(), bySolvedShare(families));
    }

    private static Map<String, Double> bySolvedShare(Map<String, SolvedShare> families) {
        Map<String, Double> shares = new TreeMap<>();
        families.forEach((family, share) -> shares.put(family, share.share()));
        return Collections.unmodifiableMap(shares);
    }

    /** Logits of a batch of right-padded sequences, row-major (rows, width, vocabulary). */
    private static float[] logits(DecoderLanguageModel model, List<TokenizedExample> examples, int width) {
        int[] flat = new int[examples.size() * width];
        for (int row = 0; row < examples.size(); row++) {
            System.arraycopy(examples.get(row).tokens(), 0, flat, row * width, examples.get(row).tokens().length);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(flat, new Shape(examples.size(), width));
            return model.logits(scope, tokens, false).toFloatArray();
        }
    }

    /** Adds the loss-masked positions (the response) to {@code answerTokens}. */
    private static void responseTokens(TokenizedExample example, float[] logits, int offset, int vocabulary, AnswerTokenStatistics answerTokens) {
        for (int p = 0; p < example.positions(); p++) {
            if (example.lossMask()[p] != 0) {
                answerTokens.add(logits, offset + p * vocabulary, vocabulary, example.tokens()[p + 1]);
            }
        }
    }

    /** Solved tasks of one kind out of those seen. */
    private static final class SolvedShare {
        private int seen;
        private int solved;

        void add(boolean isSolved) {
            seen++;
            solved += isSolved ? 1 : 0;
        }

        Double share() {
            return seen == 0 ? null : (double) solved / seen;
        }
    }
}
