package io.kdstream.trainer.sft;

import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
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
