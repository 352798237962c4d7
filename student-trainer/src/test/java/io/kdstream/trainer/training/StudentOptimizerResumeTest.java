package io.kdstream.trainer.training;

import static io.kdstream.trainer.training.TrainingBatches.TOKENIZER;
import static io.kdstream.trainer.training.TrainingBatches.patternExamples;
import static io.kdstream.trainer.training.TrainingBatches.sft;
import static io.kdstream.trainer.training.TrainingBatches.withRandomTeacher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run interrupted at step k and resumed from its checkpoint goes on exactly like the uninterrupted run. */
class StudentOptimizerResumeTest {

    private static final TransformerConfig STUDENT = new TransformerConfig(100, 32, 32, 2, 1, 64);
    /** Warm-up over steps 0-2, cosine over 3-7, the minimum from 8 on: a 10-step run crosses all three. */
    private static final TrainingConfig CONFIG = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 3)
            .schedule(LearningRateSchedule.COSINE, 1e-3, 8).build();
    private static final int STEPS = 10;
    private static final int INTERRUPTED_AT = 4;

    @TempDir
    Path directory;

    /** Distillation and SFT batches in turn, with fresh teacher logits each time. */
    private static List<TrainingExample> batch(int step) {
        return step % 2 == 0 ? withRandomTeacher(patternExamples(), 6, step) : sft(patternExamples());
    }

    private static Map<String, float[]> parameters(DecoderLanguageModel model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : model.block().getParameters()) {
            values.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
        }
        return values;
    }

    @Test
    void shouldContinueLikeTheUninterruptedRunAfterRestoringTheModelAndTheOptimizerState() throws Exception {
        double[] uninterruptedLosses = new double[STEPS];
        Map<String, float[]> uninterrupted;
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, CONFIG)) {
            for (int step = 0; step < STEPS; step++) {
                uninterruptedLosses[step] = optimizer.step(batch(step)).totalLoss();
            }
            uninterrupted = parameters(model);
        }

        Path checkpoint = directory.resolve("step-4.ckpt");
        Path state = directory.resolve("step-4.adam");
        String sha256;
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, CONFIG)) {
            for (int step = 0; step < INTERRUPTED_AT; step++) {
                assertThat(optimizer.step(batch(step)).totalLoss()).isEqualTo(uninterruptedLosses[step]);
            }
            sha256 = CheckpointFile.write(checkpoint, model, TOKENIZER.fingerprint(), CONFIG.toMap());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(state)))) {
                optimizer.writeState(out);
            }
        }

        try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, sha256, TOKENIZER.fingerprint(), STUDENT);
             StudentOptimizer resumed = new StudentOptimizer(loaded.model(), TrainingConfig.fromMap(loaded.metadata()))) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(state)))) {
                resumed.readState(in);
            }
            assertThat(resumed.completedSteps()).isEqualTo(INTERRUPTED_AT);
            assertThat(resumed.nextLearningRate()).isEqualTo(CONFIG.learningRateAt(INTERRUPTED_AT));
            for (int step = INTERRUPTED_AT; step < STEPS; step++) {
                StepMetrics metrics = resumed.step(batch(step));
                assertThat(metrics.step()).isEqualTo(step + 1);
                assertThat(metrics.totalLoss()).as("loss of step %d", step + 1)
                        .isCloseTo(uninterruptedLosses[step], within(1e-6));
            }
            Map<String, float[]> resumedParameters = parameters(loaded.model());
            assertThat(resumedParameters.keySet()).containsExactlyElementsOf(uninterrupted.keySet());
            uninterrupted.forEach((name, expected) -> {
                float[] actual = resumedParameters.get(name);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("%s[%d]", name, i).isCloseTo(expected[i], within(1e-6f));
                }
            });
        }

        // The restored state is what makes the run continue: without it, the second step after the resume differs.
        try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, sha256, TOKENIZER.fingerprint(), STUDENT);
             StudentOptimizer fresh = new StudentOptimizer(loaded.model(), CONFIG)) {
            fresh.step(batch(INTERRUPTED_AT));
            assertThat(Math.abs(fresh.step(batch(INTERRUPTED_AT + 1)).totalLoss()
                    - uninterruptedLosses[INTERRUPTED_AT + 1])).isGreaterThan(1e-4);
        }
    }

    @Test
    void shouldRefuseAStateSavedForAnotherArchitectureNamingTheFirstParameterThatDiffers() throws IOException {
        byte[] wider = stateAfterTwoSteps(new TransformerConfig(100, 32, 48, 2, 1, 64));
        byte[] deeper = stateAfterTwoSteps(new TransformerConfig(100, 32, 32, 2, 2, 64));
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, CONFIG)) {
            Pair<String, Parameter> first = model.block().getParameters().get(0);
            assertThatThrownBy(() -> optimizer.readState(input(wider)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("does not fit this model")
                    .hasMessageContaining("parameter '" + first.getKey() + "' has shape (32, 48) in the state and "
                            + "(32, 32) in the model"); // the first parameter is context x width
            assertThatThrownBy(() -> optimizer.readState(input(deeper)))
                    .hasMessageContaining("does not fit this model")
                    .hasMessageMatching("(?s).*it holds \\d+ parameters, the model trains \\d+.*");
        }
    }

    @Test
    void shouldRefuseATruncatedOrForeignStreamAndStayUnchanged() throws IOException {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(STUDENT, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, CONFIG)) {
            optimizer.step(batch(0));
            optimizer.step(batch(1));
            byte[] state = state(optimizer);
            List<Pair<String, Parameter>> parameters = model.block().getParameters().stream().toList();
            String last = parameters.get(parameters.size() - 1).getKey();

            assertThatThrownBy(() -> optimizer.readState(input(Arrays.copyOf(state, state.length - 3))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("optimizer state is truncated: it ends in parameter "
                            + parameters.size() + " of " + parameters.size() + " ('" + last + "')");
            assertThatThrownBy(() -> optimizer.readState(input(Arrays.copyOf(state, 6))))
                    .hasMessageContaining("optimizer state is truncated: it ends in its header");
            byte[] foreign = Arrays.copyOf(state, state.length);
            foreign[0] = 'P';
            assertThatThrownBy(() -> optimizer.readState(input(foreign)))
                    .hasMessageContaining("not a kdstream optimizer state");

            // a failed read leaves the optimiser as it was, and a good one still loads
            assertThat(optimizer.completedSteps()).isEqualTo(2);
            assertThat(state(optimizer)).isEqualTo(state);
            optimizer.readState(input(state));
            assertThat(state(optimizer)).isEqualTo(state);
        }
    }

    private static byte[] stateAfterTwoSteps(TransformerConfig architecture) throws IOException {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(architecture, 5);
             StudentOptimizer optimizer = new StudentOptimizer(model, CONFIG)) {
            optimizer.step(batch(0));
            optimizer.step(batch(1));
            return state(optimizer);
        }
    }

    private static byte[] state(StudentOptimizer optimizer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            optimizer.writeState(out);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
