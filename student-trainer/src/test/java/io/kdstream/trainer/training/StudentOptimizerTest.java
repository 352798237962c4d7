package io.kdstream.trainer.training;

import static io.kdstream.trainer.training.TrainingBatches.TOKENIZER;
import static io.kdstream.trainer.training.TrainingBatches.patternExamples;
import static io.kdstream.trainer.training.TrainingBatches.sft;
import static io.kdstream.trainer.training.TrainingBatches.withRandomTeacher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudentOptimizerTest {

    private static final TransformerConfig STUDENT = new TransformerConfig(100, 32, 32, 2, 1, 64);
    private static final TransformerConfig TEACHER = new TransformerConfig(100, 32, 48, 2, 2, 96);
    private static final TrainingConfig FAST = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 5).build();

    /** The teacher's top-K for each example, computed exactly as a teacher worker would. */
    private static List<TrainingExample> distilled(DecoderLanguageModel teacher, List<TokenizedExample> examples, int k) {
        List<TrainingExample> result = new ArrayList<>();
        for (TokenizedExample example : examples) {
            try (NDManager scope = teacher.manager().newSubManager()) {
                int[] tokens = example.tokens();
                NDArray logits = teacher.logits(scope, scope.create(tokens, new Shape(1, tokens.length)), false);
                TopKLogits top = TopKExtractor.extract(logits, k, new int[] {tokens.length}).get(0);
                result.add(TrainingExample.withTeacher(example, top));
            }
        }
        return result;
    }

    private static Map<String, float[]> gradients(DecoderLanguageModel model) {
        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : model.block().getParameters()) {
            try (NDArray gradient = parameter.getValue().getArray().getGradient()) {
                gradients.put(parameter.getKey(), gradient.toFloatArray());
            }
        }
        return gradients;
    }

    @Test
    void shouldComputeIdenticalGradientsWhenGarbageIsCollectedBetweenForwardAndBackward() {
        // Regression test for DJL 0.36 freeing NDArray.mul/div(Number) scalars before backward reads them.
        List<TrainingExample> batch = withRandomTeacher(patternExamples(), 6, 9);
        TrainingConfig config = FAST.toBuilder().weights(1.0, 0.4).build();
        TrainingConfig hot = new TrainingConfig(1.0, 0.4, 2.0, 4, 1e-2, 5, 1.0, 8, 1); // temperature != 1 and K < 6
        TrainingConfig tailReverse = hot.toBuilder().temperatures(1, 2).loss(LossVariant.TAIL, KlDirection.REVERSE).build();
        for (TrainingConfig c : List.of(config, hot, tailReverse)) {
            Map<String, float[]> quiet;
            Map<String, float[]> collected;
            try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 3);
                 StudentOptimizer optimizer = new StudentOptimizer(model, c)) {
                optimizer.computeGradients(batch);
                quiet = gradients(model);
            }
            try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 3);
                 StudentOptimizer optimizer = new StudentOptimizer(model, c)) {
                try (StudentOptimizer.ForwardPass pass = optimizer.forward(batch)) {
                    collectGarbageHard();
                    pass.backward();
                }
                collected = gradients(model);
            }
            assertThat(collected.keySet()).containsExactlyElementsOf(quiet.keySet());
            quiet.forEach((name, gradient) -> {
                assertThat(collected.get(name)).as(name).containsExactly(gradient);
                boolean nonZero = false;
                for (float g : gradient) {
                    nonZero |= g != 0f;
                }
                assertThat(nonZero).as("gradient of %s is not all zero", name).isTrue();
            });
        }
    }

    private static void collectGarbageHard() {
        for (int i = 0; i < 3; i++) {
            byte[][] garbage = new byte[64][];
            for (int j = 0; j < garbage.length; j++) {
                garbage[j] = new byte[64 * 1024];
            }
            System.gc();
        }
        try {
            Thread.sleep(50); // let reference processing free native memory
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
    }

    @Test
    void shouldLowerCrossEntropyOnARepeatedPatternWithSftOnly() {
        List<TrainingExample> batch = sft(patternExamples());
        TrainingConfig config = FAST.toBuilder().weights(0, 1).build();
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, config)) {
            StepMetrics first = optimizer.step(batch);
            StepMetrics last = first;
            for (int i = 0; i < 19; i++) {
                last = optimizer.step(batch);
            }
            assertThat(first.step()).isEqualTo(1);
            assertThat(last.step()).isEqualTo(20);
            assertThat(first.kdLoss()).isZero();
            assertThat(first.ceLoss()).isGreaterThan(3.5); // about ln(100) for an untrained model
            assertThat(last.ceLoss()).isLessThan(0.3 * first.ceLoss());
            assertThat(last.totalLoss()).isCloseTo(last.ceLoss(), within(1e-6));
            long masked = batch.stream().mapToLong(e -> countMasked(e.lossMask())).sum();
            assertThat(last.tokens()).isEqualTo(masked);
        }
    }

    @Test
    void shouldLowerKdTowardsATrainedTeacher() {
        List<TokenizedExample> examples = patternExamples();
        List<TrainingExample> batch;
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(TEACHER, 11)) {
            try (StudentOptimizer teacherTraining = new StudentOptimizer(teacher, FAST.toBuilder().weights(0, 1).build())) {
                for (int i = 0; i < 20; i++) {
                    teacherTraining.step(sft(examples));
                }
            }
            batch = distilled(teacher, examples, 8);
        }
        for (LossVariant variant : LossVariant.values()) {
            TrainingConfig kdOnly = FAST.toBuilder().weights(1, 0).loss(variant, KlDirection.FORWARD).build();
            try (DecoderLanguageModel student = DecoderLanguageModel.create(STUDENT, 12);
                 StudentOptimizer optimizer = new StudentOptimizer(student, kdOnly)) {
                StepMetrics first = optimizer.step(batch);
                StepMetrics last = first;
                for (int i = 0; i < 19; i++) {
                    last = optimizer.step(batch);
                }
                assertThat(first.kdLoss()).as("%s", variant).isGreaterThan(0.5);
                assertThat(last.kdLoss()).as("%s", variant).isLessThan(0.25 * first.kdLoss());
                // CE is not trained on here (w_sft = 0), yet it falls: the teacher's top-K carries the task
                assertThat(last.ceLoss()).as("%s", variant).isLessThan(0.5 * first.ceLoss());
                assertThat(last.totalLoss()).isCloseTo(last.kdLoss(), within(1e-6));
            }
        }
    }

    @Test
    void shouldTrainABatchMixingExamplesWithAndWithoutTeacherLogits() {
        List<TokenizedExample> examples = patternExamples();
        List<TrainingExample> batch = new ArrayList<>(withRandomTeacher(examples.subList(0, 4), 8, 1));
        batch.addAll(sft(examples.subList(4, 8)));
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, TrainingConfig.defaults().toBuilder().trainingTopK(4).build())) {
            StepMetrics metrics = optimizer.step(batch);
            assertThat(metrics.kdLoss()).isPositive();
            assertThat(metrics.ceLoss()).isPositive();
            assertThat(metrics.totalLoss()).isCloseTo(metrics.kdLoss() + 0.4 * metrics.ceLoss(), within(1e-5));
            assertThat(optimizer.completedSteps()).isEqualTo(1);
        }
    }

    @Test
    void shouldClipTheGlobalGradientNorm() {
        TrainingConfig config = FAST.toBuilder().gradientClipNorm(1e-3).build();
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, config)) {
            optimizer.computeGradients(withRandomTeacher(patternExamples(), 4, 2));
            double before = optimizer.gradientNorm();
            assertThat(before).isGreaterThan(1e-2);
            assertThat(optimizer.clipGradients()).isEqualTo(before);
            assertThat(optimizer.gradientNorm()).isCloseTo(1e-3, within(1e-6));
        }
    }

    @Test
    void shouldKeepMemoryFlatAcrossSteps() {
        List<TrainingExample> batch = withRandomTeacher(patternExamples(), 4, 3);
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, FAST)) {
            optimizer.step(batch);
            optimizer.step(batch); // Adam's state exists from the first update on
            int arrays = model.manager().getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                optimizer.step(batch);
            }
            assertThat(model.manager().getManagedArrays()).hasSize(arrays);
        }
    }

    @Test
    void shouldRefuseUnusableBatches() {
        TokenizedExample example = TOKENIZER.encodeExample("1+1", "2");
        TrainingExample masked = new TrainingExample(example.tokens(), new float[example.positions()], null, null, null, 0);
        TrainingExample tooLong = TrainingExample.withoutTeacher(TOKENIZER.encodeExample("x".repeat(30), "y"));
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, FAST)) {
            assertThatThrownBy(() -> optimizer.step(List.of(masked))).hasMessageContaining("no loss-masked position");
            assertThatThrownBy(() -> optimizer.step(List.of(TrainingExample.withoutTeacher(example), tooLong)))
                    .hasMessageContaining("example 1 has 34 tokens")
                    .hasMessageContaining("context of 32");
            assertThatThrownBy(() -> optimizer.step(List.of())).hasMessageContaining("at least one example");
            assertThat(optimizer.completedSteps()).isZero();
        }
        int positions = example.positions();
        int[] badIds = new int[positions];
        badIds[positions - 1] = 100; // the last position (the EOS target) is trained on
        TrainingExample badTeacher = new TrainingExample(example.tokens(), example.lossMask(), badIds,
                new float[positions], null, 1);
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, FAST)) {
            assertThatThrownBy(() -> optimizer.step(List.of(badTeacher)))
                    .hasMessageContaining("example 0 has teacher token id 100 at position " + (positions - 1));
        }
        TrainingExample logProbabilities = new TrainingExample(example.tokens(), example.lossMask(),
                new int[example.positions()], new float[example.positions()], null, 1);
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer tail = new StudentOptimizer(model, FAST.toBuilder().loss(LossVariant.TAIL, KlDirection.FORWARD).build())) {
            assertThatThrownBy(() -> tail.step(List.of(TrainingExample.withoutTeacher(example), logProbabilities)))
                    .hasMessageContaining("example 1 has teacher logits without the teacher's log-sum-exp");
        }
    }

    private static long countMasked(float[] mask) {
        long count = 0;
        for (float m : mask) {
            if (m != 0f) {
                count++;
            }
        }
        return count;
    }
}
