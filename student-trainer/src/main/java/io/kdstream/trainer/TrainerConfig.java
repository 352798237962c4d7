package io.kdstream.trainer;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.trainer.cache.CacheConfig;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.sampling.SamplingConfig;
import io.kdstream.trainer.training.LearningRateSchedule;
import io.kdstream.trainer.training.TrainingConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The trainer's settings ({@code kdstream.trainer.*}); Kafka client properties pass through.
 *
 * <p>The loss: {@code kd.weight} and {@code sft.weight} (NeMo's independent weights), or {@code lambda} for the convex
 * form {@code lambda * KD + (1 - lambda) * CE} (not both); {@code loss.variant} ({@code renormalised}, {@code tail} or {@code sampled});
 * {@code kl.direction} ({@code forward} or {@code reverse}); {@code temperature} for teacher and student alike,
 * overridden one side at a time by {@code teacher.temperature} and {@code student.temperature}; {@code topk}.
 *
 * <p>The learning rate: {@code learning.rate} (the peak, default 3e-3) after {@code warmup.steps} of linear warm-up
 * (default 20), then {@code lr.schedule}: {@code cosine} (default) decays along half a cosine to {@code lr.min}, an
 * absolute learning rate (default a tenth of {@code learning.rate}), reached at step {@code lr.decay.steps} (default
 * {@code steps}, the run's length) and kept after it; {@code constant} keeps the peak.
 *
 * <p>The local cache: {@code cache.dir} (default {@code <checkpoint dir>/cache}), {@code cache.shard.bytes},
 * {@code cache.commit.interval.ms}, {@code cache.rebuild} (replay the topic from the beginning). Batches:
 * {@code batch.size} sequences or {@code batch.tokens} tokens, {@code shuffle.buffer} entries, {@code fresh.share} of
 * each batch from records that arrived after training began, {@code epochs} (0: the step count ends the run).
 *
 * <p>A run with the same {@code run.id} and checkpoint directory resumes from its newest valid checkpoint. The default
 * id is fixed, so a trainer simply started again resumes, as a consumer group resumes; a new run takes a new id.
 * A new run starts from random weights, or from a base checkpoint's ({@code init.checkpoint}: a pretrained student of
 * the same shape and tokenizer; its weights only, not its optimizer state or step).
 *
 * @param runId              names this training run in checkpoints and events
 * @param maxSteps           steps to take before the run ends with a final checkpoint
 * @param checkpointEvery    steps between checkpoints
 * @param checkpointDir      where checkpoint files are written
 * @param teacherFingerprint the teacher whose logits are used; null pins the run to the first teacher seen
 * @param minExamples        cached training examples needed before the first step
 * @param training           loss, K, learning rate, batch size, seed
 * @param cache              the local cache on disk
 * @param sampling           how batches are drawn from it
 * @param student            the student's shape (its vocabulary is the tokenizer's)
 * @param initCheckpoint     the base checkpoint whose weights a new run starts from; null: random weights
 * @param tokenizer          {@code char} (the default) or the path of a Hugging Face {@code tokenizer.json}: records
 *                           made with another tokenizer are refused, and the student's vocabulary is this one's
 */
public record TrainerConfig(Settings settings, String runId, long maxSteps, long checkpointEvery, Path checkpointDir,
                            String teacherFingerprint, int minExamples, TrainingConfig training, CacheConfig cache,
                            SamplingConfig sampling, StudentShape student, Path initCheckpoint, String tokenizer) {

    /**
     * The student's layers, width, heads and feed-forward width ({@code kdstream.trainer.student.*}), by default the
     * preset {@link TransformerConfig#student}'s. Its context is the preset's: it must hold the teacher's sequences.
     */
    public record StudentShape(int layers, int modelWidth, int heads, int feedForwardWidth) {

        static StudentShape of(Settings settings) {
            TransformerConfig preset = TransformerConfig.student(1);
            StudentShape shape = new StudentShape(settings.integer("kdstream.trainer.student.layers", preset.layers()),
                    settings.integer("kdstream.trainer.student.width", preset.modelWidth()),
                    settings.integer("kdstream.trainer.student.heads", preset.heads()),
                    settings.integer("kdstream.trainer.student.feed.forward.width", preset.feedForwardWidth()));
            shape.architecture(preset.vocabularySize()); // refuses an unbuildable shape now, not at the first step
            return shape;
        }

        /** The student's architecture for a tokenizer of {@code vocabularySize} ids. */
        public TransformerConfig architecture(int vocabularySize) {
            return new TransformerConfig(vocabularySize, TransformerConfig.student(vocabularySize).contextLength(),
                    modelWidth, heads, layers, feedForwardWidth).validate();
        }
    }

    /** The run id when none is set: one that stays the same, so restarting a trainer resumes its run. */
    public static final String DEFAULT_RUN_ID = "default";

    /** The base checkpoint a new run starts from (a pretrained student); unset: random weights. */
    public static final String INIT_CHECKPOINT = "kdstream.trainer.init.checkpoint";
    private static final String KD_WEIGHT = "kdstream.trainer.kd.weight";
    private static final String SFT_WEIGHT = "kdstream.trainer.sft.weight";
    private static final String LAMBDA = "kdstream.trainer.lambda";
    private static final String STEPS = "kdstream.trainer.steps";
    /** The run's length, and so where the cosine schedule ends unless {@code lr.decay.steps} says otherwise. */
    private static final long DEFAULT_STEPS = 300;

    public static TrainerConfig from(Settings settings) {
        String runId = settings.string("kdstream.trainer.run.id", DEFAULT_RUN_ID);
        Path checkpointDir = settings.path("kdstream.trainer.checkpoint.dir", Path.of("checkpoints")).resolve(runId);
        TrainingConfig training = training(settings);
        try {
            return new TrainerConfig(settings, runId,
                    settings.longValue(STEPS, DEFAULT_STEPS),
                    settings.longValue("kdstream.trainer.checkpoint.every", 100),
                    checkpointDir,
                    settings.string("kdstream.trainer.teacher.fingerprint", null),
                    settings.integer("kdstream.trainer.min.examples", 64),
                    training,
                    new CacheConfig(settings.path("kdstream.trainer.cache.dir", checkpointDir.resolve("cache")),
                            settings.longValue("kdstream.trainer.cache.shard.bytes", 64L << 20),
                            Duration.ofMillis(settings.longValue("kdstream.trainer.cache.commit.interval.ms", 5000)),
                            settings.bool("kdstream.trainer.cache.rebuild", false)),
                    new SamplingConfig(settings.integer("kdstream.trainer.shuffle.buffer", 4096),
                            settings.decimal("kdstream.trainer.fresh.share", 0.25),
                            settings.integer("kdstream.trainer.epochs", 0),
                            training.batchSize(),
                            settings.integer("kdstream.trainer.batch.tokens", 0)),
                    StudentShape.of(settings),
                    settings.path(INIT_CHECKPOINT, null),
                    settings.string("kdstream.trainer.tokenizer", Tokenizers.CHAR));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("trainer settings (kdstream.trainer.*): " + e.getMessage(), e);
        }
    }

    /**
     * The settings a checkpoint records besides the training config: how batches were drawn, the student's shape,
     * and the base checkpoint the run started from, if any.
     */
    public Map<String, String> runSettings() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("studentLayers", Integer.toString(student.layers()));
        map.put("studentWidth", Integer.toString(student.modelWidth()));
        map.put("studentHeads", Integer.toString(student.heads()));
        map.put("studentFeedForwardWidth", Integer.toString(student.feedForwardWidth()));
        map.put("batchTokens", Integer.toString(sampling.batchTokens()));
        map.put("shuffleBuffer", Integer.toString(sampling.shuffleBuffer()));
        map.put("freshShare", Double.toString(sampling.freshShare()));
        map.put("epochs", Integer.toString(sampling.epochs()));
        if (initCheckpoint != null) {
            map.put("initCheckpoint", initCheckpoint.toAbsolutePath().toString());
        }
        return map;
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
                            settings.longValue(STEPS, DEFAULT_STEPS)),
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
