package io.kdstream.trainer;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.training.LearningRateSchedule;
import io.kdstream.trainer.training.TrainingConfig;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The trainer's settings ({@code kdstream.trainer.*}); Kafka client properties pass through.
 *
 * <p>The loss: {@code kd.weight} and {@code sft.weight} (NeMo's independent weights), or {@code lambda} for the convex
 * form {@code lambda * KD + (1 - lambda) * CE} (not both); {@code loss.variant} ({@code renormalised} or {@code tail});
 * {@code kl.direction} ({@code forward} or {@code reverse}); {@code temperature} for teacher and student alike,
 * overridden one side at a time by {@code teacher.temperature} and {@code student.temperature}; {@code topk}.
 *
 * <p>The learning rate: {@code learning.rate} (the peak, default 3e-3) after {@code warmup.steps} of linear warm-up
 * (default 20), then {@code lr.schedule}: {@code cosine} (default) decays along half a cosine to {@code lr.min}, an
 * absolute learning rate (default a tenth of {@code learning.rate}), reached at step {@code lr.decay.steps} (default
 * {@code steps}, the run's length) and kept after it; {@code constant} keeps the peak.
 *
 * @param runId              names this training run in checkpoints and events
 * @param maxSteps           steps to take before the run ends with a final checkpoint
 * @param checkpointEvery    steps between checkpoints
 * @param checkpointDir      where checkpoint files are written
 * @param teacherFingerprint the teacher whose logits are used; null pins the run to the first teacher seen
 * @param minExamples        cached training examples needed before the first step
 * @param training           loss, K, learning rate, batch size, seed
 */
public record TrainerConfig(Settings settings, String runId, long maxSteps, long checkpointEvery, Path checkpointDir,
                            String teacherFingerprint, int minExamples, TrainingConfig training) {

    private static final String KD_WEIGHT = "kdstream.trainer.kd.weight";
    private static final String SFT_WEIGHT = "kdstream.trainer.sft.weight";
    private static final String LAMBDA = "kdstream.trainer.lambda";

    public static TrainerConfig from(Settings settings) {
        String runId = settings.string("kdstream.trainer.run.id", "run-" + System.currentTimeMillis());
        return new TrainerConfig(settings, runId,
                settings.longValue("kdstream.trainer.steps", 300),
                settings.longValue("kdstream.trainer.checkpoint.every", 100),
                settings.path("kdstream.trainer.checkpoint.dir", Path.of("checkpoints")).resolve(runId),
                settings.string("kdstream.trainer.teacher.fingerprint", null),
                settings.integer("kdstream.trainer.min.examples", 64),
                training(settings));
    }

    private static TrainingConfig training(Settings settings) {
        TrainingConfig defaults = TrainingConfig.defaults();
        double temperature = settings.decimal("kdstream.trainer.temperature", defaults.studentTemperature());
        double learningRate = settings.decimal("kdstream.trainer.learning.rate", defaults.learningRate());
        try {
            TrainingConfig training = new TrainingConfig(
                    settings.decimal(KD_WEIGHT, defaults.kdWeight()),
                    settings.decimal(SFT_WEIGHT, defaults.sftWeight()),
                    named(settings, "kdstream.trainer.loss.variant", LossVariant::parse, defaults.lossVariant()),
                    named(settings, "kdstream.trainer.kl.direction", KlDirection::parse, defaults.klDirection()),
                    settings.decimal("kdstream.trainer.teacher.temperature", temperature),
                    settings.decimal("kdstream.trainer.student.temperature", temperature),
                    settings.integer("kdstream.trainer.topk", defaults.trainingTopK()),
                    learningRate,
                    settings.integer("kdstream.trainer.warmup.steps", defaults.warmupSteps()),
                    named(settings, "kdstream.trainer.lr.schedule", LearningRateSchedule::parse, defaults.schedule()),
                    settings.decimal("kdstream.trainer.lr.min", TrainingConfig.defaultMinLearningRate(learningRate)),
                    settings.longValue("kdstream.trainer.lr.decay.steps",
                            settings.longValue("kdstream.trainer.steps", defaults.decaySteps())),
                    settings.decimal("kdstream.trainer.clip.norm", defaults.gradientClipNorm()),
                    settings.integer("kdstream.trainer.batch.size", defaults.batchSize()),
                    settings.longValue("kdstream.trainer.seed", defaults.seed()));
            if (settings.string(LAMBDA, null) == null) {
                return training;
            }
            if (settings.string(KD_WEIGHT, null) != null || settings.string(SFT_WEIGHT, null) != null) {
                throw new ConfigException(LAMBDA + " sets both weights (w_kd = lambda, w_sft = 1 - lambda): set it or "
                        + KD_WEIGHT + "/" + SFT_WEIGHT + ", not both");
            }
            return training.withLambda(settings.decimal(LAMBDA, Double.NaN));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("trainer settings (kdstream.trainer.*): " + e.getMessage(), e);
        }
    }

    private static <T> T named(Settings settings, String key, Function<String, T> parser, T defaultValue) {
        String value = settings.string(key, null);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting '" + key + "': " + e.getMessage(), e);
        }
    }
}
