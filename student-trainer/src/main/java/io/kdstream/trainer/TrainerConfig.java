package io.kdstream.trainer;

import io.kdstream.platform.config.Settings;
import io.kdstream.trainer.training.TrainingConfig;

import java.nio.file.Path;

/**
 * The trainer's settings ({@code kdstream.trainer.*}); Kafka client properties pass through.
 *
 * @param runId              names this training run in checkpoints and events
 * @param maxSteps           steps to take before the run ends with a final checkpoint
 * @param checkpointEvery    steps between checkpoints
 * @param checkpointDir      where checkpoint files are written
 * @param teacherFingerprint the teacher whose logits are used; null pins the run to the first teacher seen
 * @param minExamples        cached training examples needed before the first step
 * @param training           loss weights, K, learning rate, batch size, seed
 */
public record TrainerConfig(Settings settings, String runId, long maxSteps, long checkpointEvery, Path checkpointDir,
                            String teacherFingerprint, int minExamples, TrainingConfig training) {

    public static TrainerConfig from(Settings settings) {
        TrainingConfig defaults = TrainingConfig.defaults();
        TrainingConfig training = new TrainingConfig(
                settings.decimal("kdstream.trainer.kd.weight", defaults.kdWeight()),
                settings.decimal("kdstream.trainer.sft.weight", defaults.sftWeight()),
                settings.decimal("kdstream.trainer.temperature", defaults.kdTemperature()),
                settings.integer("kdstream.trainer.topk", defaults.trainingTopK()),
                settings.decimal("kdstream.trainer.learning.rate", defaults.learningRate()),
                settings.integer("kdstream.trainer.warmup.steps", defaults.warmupSteps()),
                settings.decimal("kdstream.trainer.clip.norm", defaults.gradientClipNorm()),
                settings.integer("kdstream.trainer.batch.size", defaults.batchSize()),
                settings.longValue("kdstream.trainer.seed", defaults.seed()));
        String runId = settings.string("kdstream.trainer.run.id", "run-" + System.currentTimeMillis());
        return new TrainerConfig(settings, runId,
                settings.longValue("kdstream.trainer.steps", 300),
                settings.longValue("kdstream.trainer.checkpoint.every", 100),
                settings.path("kdstream.trainer.checkpoint.dir", Path.of("checkpoints")).resolve(runId),
                settings.string("kdstream.trainer.teacher.fingerprint", null),
                settings.integer("kdstream.trainer.min.examples", 64),
                training);
    }
}
