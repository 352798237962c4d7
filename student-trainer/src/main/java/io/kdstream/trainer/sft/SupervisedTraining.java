package io.kdstream.trainer.sft;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.training.LearningRateSchedule;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingConfig;
import io.kdstream.trainer.training.TrainingExample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Plain supervised fine-tuning (cross-entropy only) on prompt/response pairs, from files rather than Kafka: how
 * kdstream trains its own teachers. The same optimizer as the student trainer, with the KD weight at 0.
 */
public final class SupervisedTraining {

    private SupervisedTraining() {
    }

    public record Example(String prompt, String response) {
    }

    /** The peak learning rate of kdstream's own SFT (teachers, base students). */
    public static final double PEAK_LEARNING_RATE = 3e-3;
    /** Where a cool-down's cosine ends, as a share of the peak learning rate. */
    public static final double COOL_DOWN_FLOOR = 0.01;

    /** A stable phase: batch 32, Adam at the peak rate after 50 warm-up steps, gradients clipped at 1, CE only, the rate held. */
    public static TrainingConfig stablePhase(long seed) {
        return new TrainingConfig(0.0, 1.0, 1.0, 1, PEAK_LEARNING_RATE, 50, 1.0, 32, seed);
    }

    /**
     * A cool-down of {@code steps}: a stable phase's settings with the rate along a cosine from the peak to
     * {@link #COOL_DOWN_FLOOR} of it. A held rate leaves the weights wandering around a minimum; this settles them (a
     * 6,000-step teacher's held-out math went from 0.59 to 0.94 with 600 such steps).
     */
    public static TrainingConfig coolDown(long steps, long seed) {
        return new TrainingConfig(0.0, 1.0, LossVariant.RENORMALISED, KlDirection.FORWARD, 1.0, 1.0, 1, PEAK_LEARNING_RATE, 50,
                LearningRateSchedule.COSINE, PEAK_LEARNING_RATE * COOL_DOWN_FLOOR, steps, 1.0, 32, seed);
    }

    /**
     * Trains a fresh model and writes it as a checkpoint.
     *
     * @param onStep called after every step, for progress
     * @return the checkpoint's SHA-256
     */
    public static String train(TransformerConfig architecture, List<Example> data, TrainingConfig training, long steps,
                               Path checkpoint, Consumer<StepMetrics> onStep) throws IOException {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(architecture, training.seed())) {
            return train(model, data, training, steps, checkpoint, onStep);
        }
    }

    /**
     * Trains on from {@code start}'s weights (not its optimizer state, which checkpoints do not keep: the warm-up of
     * {@code training} rebuilds Adam's moments) and writes the result as a checkpoint: a longer run or a cool-down of
     * a model trained before.
     *
     * @return the checkpoint's SHA-256
     */
    public static String trainFrom(Path start, TransformerConfig architecture, List<Example> data, TrainingConfig training, long steps,
                                   Path checkpoint, Consumer<StepMetrics> onStep) throws IOException {
        try (LoadedCheckpoint loaded = CheckpointFile.read(start, null, new CharTokenizer().fingerprint(), architecture)) {
            return train(loaded.model(), data, training, steps, checkpoint, onStep);
        }
    }

    private static String train(DecoderLanguageModel model, List<Example> data, TrainingConfig training, long steps,
                                Path checkpoint, Consumer<StepMetrics> onStep) throws IOException {
        if (training.kdWeight() != 0) {
            throw new IllegalArgumentException("supervised training has no teacher: kdWeight must be 0, got " + training.kdWeight());
        }
        CharTokenizer tokenizer = new CharTokenizer();
        List<TrainingExample> examples = new ArrayList<>(data.size());
        for (Example example : data) {
            TokenizedExample tokens = tokenizer.encodeExample(example.prompt(), example.response());
            examples.add(TrainingExample.withoutTeacher(tokens));
        }
        SplittableRandom random = new SplittableRandom(training.seed());
        try (StudentOptimizer optimizer = new StudentOptimizer(model, training)) {
            for (long step = 0; step < steps; step++) {
                List<TrainingExample> batch = new ArrayList<>(training.batchSize());
                for (int i = 0; i < training.batchSize(); i++) {
                    batch.add(examples.get(random.nextInt(examples.size())));
                }
                onStep.accept(optimizer.step(batch));
            }
            Map<String, String> metadata = new LinkedHashMap<>(training.toMap());
            metadata.put("objective", "sft");
            metadata.put("steps", Long.toString(steps));
            metadata.put("examples", Integer.toString(data.size()));
            return CheckpointFile.write(checkpoint, model, tokenizer.fingerprint(), metadata);
        }
    }
}
