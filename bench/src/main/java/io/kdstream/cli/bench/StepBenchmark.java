package io.kdstream.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingConfig;
import io.kdstream.trainer.training.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times training steps of the default student side by side: SFT and KD on the same model and the same batch of math
 * problems, in rounds that run every mode once in a rotating order (so drift in the machine's load falls on all modes
 * alike), after warm-up rounds. Then the default teacher trained the same way, SFT and KD at K=64, in half as many
 * rounds: KD's extra work follows the batch and K, not the model, so its share shrinks as the model grows. A step is
 * what {@link StudentOptimizer#step} does: batching, forward, loss, backward, gradient clipping and the Adam update.
 */
final class StepBenchmark {

    /** The teacher stores this many entries a position; each KD mode trains on the first K of them. */
    static final int STORED_K = 64;

    /** One way of training the student, and its batch. */
    record Mode(String name, TrainingConfig training, List<TrainingExample> batch) {
    }

    /** Step times in milliseconds, one per round; ratios to and differences from the SFT step of the same round. */
    record ModeResult(String name, Distribution millis, Distribution ratioToSft, Distribution millisOverSft) {
    }

    record Result(List<ModeResult> modes, List<ModeResult> teacherModes, int examples, int positions,
                  long studentParameters, long teacherParameters) {
    }

    private final int batchSize;
    private final int warmupRounds;
    private final int rounds;
    private final long seed;

    StepBenchmark(int batchSize, int warmupRounds, int rounds, long seed) {
        this.batchSize = batchSize;
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
        this.seed = seed;
    }

    Result run() {
        CharTokenizer tokenizer = new CharTokenizer();
        TransformerConfig studentShape = TransformerConfig.student(tokenizer.vocabularySize());
        TransformerConfig teacherShape = TransformerConfig.teacher(tokenizer.vocabularySize());
        List<TokenizedExample> examples = mathBatch(tokenizer, Math.min(studentShape.contextLength(),
                teacherShape.contextLength()));
        int positions = examples.stream().mapToInt(TokenizedExample::positions).sum();
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(teacherShape, seed);
             DecoderLanguageModel student = DecoderLanguageModel.create(studentShape, seed)) {
            List<TrainingExample> sft = examples.stream().map(TrainingExample::withoutTeacher).toList();
            List<TrainingExample> distilled = withTopK(teacher, examples);
            TrainingConfig kd = TrainingConfig.defaults();
            Mode sftMode = new Mode("SFT", kd.toBuilder().weights(0, 1).build(), sft);
            Mode kd64 = new Mode("KD, K=64", kd.toBuilder().trainingTopK(64).build(), distilled);
            List<Mode> modes = List.of(sftMode,
                    new Mode("KD, K=8", kd.toBuilder().trainingTopK(8).build(), distilled),
                    kd64,
                    new Mode("KD, K=64, tail", kd.toBuilder().trainingTopK(64).loss(LossVariant.TAIL, KlDirection.FORWARD).build(),
                            distilled));
            List<ModeResult> results = interleaved(student, modes, rounds);
            List<ModeResult> teacherResults = interleaved(teacher, List.of(sftMode, kd64), Math.max(rounds / 2, 1));
            return new Result(results, teacherResults, examples.size(), positions, student.parameterCount(),
                    teacher.parameterCount());
        }
    }

    /** Steps of {@code model} in every mode, round after round; the first mode is the SFT step the others are compared to. */
    private List<ModeResult> interleaved(DecoderLanguageModel model, List<Mode> modes, int rounds) {
        List<StudentOptimizer> optimizers = new ArrayList<>();
        try {
            for (Mode mode : modes) {
                optimizers.add(new StudentOptimizer(model, mode.training()));
            }
            double[][] millis = new double[modes.size()][rounds];
            for (int round = -warmupRounds; round < rounds; round++) {
                for (int slot = 0; slot < modes.size(); slot++) {
                    int mode = Math.floorMod(slot + round, modes.size());
                    double elapsed = timedStep(optimizers.get(mode), modes.get(mode).batch());
                    if (round >= 0) {
                        millis[mode][round] = elapsed;
                    }
                }
            }
            List<ModeResult> results = new ArrayList<>();
            for (int mode = 0; mode < modes.size(); mode++) {
                double[] ratios = new double[rounds];
                double[] differences = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    ratios[round] = millis[mode][round] / millis[0][round];
                    differences[round] = millis[mode][round] - millis[0][round];
                }
                results.add(new ModeResult(modes.get(mode).name(), Distribution.of(millis[mode]),
                        Distribution.of(ratios), Distribution.of(differences)));
            }
            return results;
        } finally {
            optimizers.forEach(StudentOptimizer::close);
        }
    }

    private static double timedStep(StudentOptimizer optimizer, List<TrainingExample> batch) {
        long start = System.nanoTime();
        optimizer.step(batch);
        return (System.nanoTime() - start) / 1e6;
    }

    /** The first {@code batchSize} generated math problems whose tokens all fit the context (the teacher scores all). */
    private List<TokenizedExample> mathBatch(CharTokenizer tokenizer, int contextLength) {
        MathProblemGenerator generator = new MathProblemGenerator(seed);
        List<TokenizedExample> examples = new ArrayList<>();
        while (examples.size() < batchSize) {
            MathProblemGenerator.MathProblem problem = generator.next();
            TokenizedExample example = tokenizer.encodeExample(problem.prompt(), problem.response());
            if (example.tokens().length <= contextLength) {
                examples.add(example);
            }
        }
        return examples;
    }

    /** The examples with the teacher's top-{@value #STORED_K}, extracted as a teacher worker does. */
    private static List<TrainingExample> withTopK(DecoderLanguageModel teacher, List<TokenizedExample> examples) {
        int width = examples.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
        int[] padded = new int[examples.size() * width];
        int[] lengths = new int[examples.size()];
        for (int row = 0; row < examples.size(); row++) {
            int[] tokens = examples.get(row).tokens();
            System.arraycopy(tokens, 0, padded, row * width, tokens.length);
            Arrays.fill(padded, row * width + tokens.length, (row + 1) * width, CharTokenizer.PAD);
            lengths[row] = tokens.length;
        }
        List<TopKLogits> topK;
        try (NDManager scope = teacher.manager().newSubManager()) {
            NDArray logits = teacher.logits(scope, scope.create(padded, new Shape(examples.size(), width)), false);
            topK = TopKExtractor.extract(logits, STORED_K, lengths);
        }
        List<TrainingExample> result = new ArrayList<>();
        for (int row = 0; row < examples.size(); row++) {
            result.add(TrainingExample.withTeacher(examples.get(row), topK.get(row)));
        }
        return result;
    }
}
