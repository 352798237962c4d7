package io.kdstream.trainer;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import io.kdstream.trainer.cache.CacheConfig;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.sampling.SamplingConfig;
import io.kdstream.trainer.training.LearningRateSchedule;
import io.kdstream.trainer.training.TrainingConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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

        static StudentShape of(ConfigValues values) {
            StudentShape shape = new StudentShape(values.integer(STUDENT_LAYERS), values.integer(STUDENT_WIDTH),
                    values.integer(STUDENT_HEADS), values.integer(STUDENT_FEED_FORWARD_WIDTH));
            shape.architecture(STUDENT_PRESET.vocabularySize()); // refuses an unbuildable shape now, not at the first step
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
    private static final String RUN_ID = "kdstream.trainer.run.id";
    private static final String STEPS = "kdstream.trainer.steps";
    private static final String CHECKPOINT_EVERY = "kdstream.trainer.checkpoint.every";
    private static final String CHECKPOINT_DIR = "kdstream.trainer.checkpoint.dir";
    private static final String TEACHER_FINGERPRINT = "kdstream.trainer.teacher.fingerprint";
    private static final String MIN_EXAMPLES = "kdstream.trainer.min.examples";
    private static final String TOKENIZER = "kdstream.trainer.tokenizer";
    private static final String KD_WEIGHT = "kdstream.trainer.kd.weight";
    private static final String SFT_WEIGHT = "kdstream.trainer.sft.weight";
    private static final String LAMBDA = "kdstream.trainer.lambda";
    private static final String LOSS_VARIANT = "kdstream.trainer.loss.variant";
    private static final String KL_DIRECTION = "kdstream.trainer.kl.direction";
    private static final String TEMPERATURE = "kdstream.trainer.temperature";
    private static final String TEACHER_TEMPERATURE = "kdstream.trainer.teacher.temperature";
    private static final String STUDENT_TEMPERATURE = "kdstream.trainer.student.temperature";
    private static final String TOPK = "kdstream.trainer.topk";
    private static final String LEARNING_RATE = "kdstream.trainer.learning.rate";
    private static final String WARMUP_STEPS = "kdstream.trainer.warmup.steps";
    private static final String LR_SCHEDULE = "kdstream.trainer.lr.schedule";
    private static final String LR_MIN = "kdstream.trainer.lr.min";
    private static final String LR_DECAY_STEPS = "kdstream.trainer.lr.decay.steps";
    private static final String CLIP_NORM = "kdstream.trainer.clip.norm";
    private static final String BATCH_SIZE = "kdstream.trainer.batch.size";
    private static final String BATCH_TOKENS = "kdstream.trainer.batch.tokens";
    private static final String SEED = "kdstream.trainer.seed";
    private static final String CACHE_DIR = "kdstream.trainer.cache.dir";
    private static final String CACHE_SHARD_BYTES = "kdstream.trainer.cache.shard.bytes";
    private static final String CACHE_COMMIT_INTERVAL = "kdstream.trainer.cache.commit.interval.ms";
    private static final String CACHE_REBUILD = "kdstream.trainer.cache.rebuild";
    private static final String SHUFFLE_BUFFER = "kdstream.trainer.shuffle.buffer";
    private static final String FRESH_SHARE = "kdstream.trainer.fresh.share";
    private static final String EPOCHS = "kdstream.trainer.epochs";
    private static final String STUDENT_LAYERS = "kdstream.trainer.student.layers";
    private static final String STUDENT_WIDTH = "kdstream.trainer.student.width";
    private static final String STUDENT_HEADS = "kdstream.trainer.student.heads";
    private static final String STUDENT_FEED_FORWARD_WIDTH = "kdstream.trainer.student.feed.forward.width";
    /** The run's length, and so where the cosine schedule ends unless {@code lr.decay.steps} says otherwise. */
    private static final long DEFAULT_STEPS = 300;
    private static final TransformerConfig STUDENT_PRESET = TransformerConfig.student(1);
    private static final TrainingConfig TRAINING = TrainingConfig.defaults();

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(RUN_ID, Type.STRING, DEFAULT_RUN_ID, Importance.HIGH, "names the run; the same id resumes it from its"
                    + " checkpoints (so a trainer started again resumes); a new run takes a new id")
            .define(STEPS, Type.LONG, DEFAULT_STEPS, Validators.atLeast(0), Importance.HIGH,
                    "steps to take before the run ends with a final checkpoint")
            .define(CHECKPOINT_EVERY, Type.LONG, 100L, Validators.atLeast(1), Importance.HIGH, "steps between checkpoints")
            .define(CHECKPOINT_DIR, Type.STRING, "checkpoints", Importance.MEDIUM,
                    "where checkpoint files are written, in a directory per run id")
            .define(TEACHER_FINGERPRINT, Type.STRING, null, Importance.HIGH, "the teacher to train on; other teachers' records"
                    + " are skipped and counted. Unset: the first teacher seen")
            .define(MIN_EXAMPLES, Type.INT, 64, Validators.atLeast(0), Importance.LOW, "cached training examples needed before the first step")
            .define(BATCH_SIZE, Type.INT, TRAINING.batchSize(), Validators.atLeast(1), Importance.HIGH, "sequences a batch")
            .define(BATCH_TOKENS, Type.INT, 0, Validators.atLeast(0), Importance.HIGH,
                    "tokens a batch, when set (batches then hold as many sequences as fit); 0: batch.size sequences")
            .define(EPOCHS, Type.INT, 0, Validators.atLeast(0), Importance.HIGH, "passes over the cache; 0: no limit (the step count ends the run)")
            .define(FRESH_SHARE, Type.DOUBLE, 0.25, Validators.between(0, 1), Importance.HIGH,
                    "share of each batch from records that arrived after training began")
            .define(SHUFFLE_BUFFER, Type.INT, 4096, Validators.atLeast(1), Importance.HIGH, "entries of the seeded shuffle window")
            .define(LEARNING_RATE, Type.DOUBLE, TRAINING.learningRate(), Validators.positive(), Importance.HIGH,
                    "Adam's peak learning rate, reached at the end of the warm-up")
            .define(WARMUP_STEPS, Type.INT, TRAINING.warmupSteps(), Validators.atLeast(0), Importance.HIGH, "steps of linear warm-up")
            .define(LR_SCHEDULE, Type.STRING, TRAINING.schedule().configName(), Validators.oneOf(LearningRateSchedule::parse,
                            names(LearningRateSchedule.values(), LearningRateSchedule::configName)), Importance.HIGH,
                    "after the warm-up: cosine decays along half a cosine to lr.min, reached at lr.decay.steps and kept"
                            + " after it; constant keeps the peak")
            .define(LR_MIN, Type.DOUBLE, null, Validators.atLeast(0), Importance.HIGH,
                    "where the cosine ends, an absolute learning rate; unset: a tenth of learning.rate")
            .define(LR_DECAY_STEPS, Type.LONG, null, Validators.atLeast(0), Importance.LOW,
                    "the step from which the cosine stays at lr.min; unset: steps, the run's length")
            .define(CLIP_NORM, Type.DOUBLE, TRAINING.gradientClipNorm(), Validators.atLeast(0), Importance.HIGH,
                    "maximum global L2 norm of the gradients; 0 disables clipping")
            .define(CACHE_DIR, Type.STRING, null, Importance.HIGH, "the local cache of the logit topic; unset: <checkpoint dir>/<run id>/cache")
            .define(CACHE_REBUILD, Type.BOOLEAN, false, Importance.HIGH, "true replays the topic from the beginning into a new local cache")
            .define(CACHE_SHARD_BYTES, Type.LONG, 64L << 20, Validators.atLeast(1), Importance.LOW, "size of one shard file of the local cache")
            .define(CACHE_COMMIT_INTERVAL, Type.LONG, 5000L, Validators.atLeast(1), Importance.LOW,
                    "how often the local cache's position is written")
            .define(KD_WEIGHT, Type.DOUBLE, TRAINING.kdWeight(), Validators.atLeast(0), Importance.HIGH, "w_kd in w_kd * KD + w_sft * CE")
            .define(SFT_WEIGHT, Type.DOUBLE, TRAINING.sftWeight(), Validators.atLeast(0), Importance.HIGH, "w_sft in w_kd * KD + w_sft * CE")
            .define(LAMBDA, Type.DOUBLE, null, Importance.HIGH,
                    "the convex form instead of the two weights, in [0, 1]: w_kd = lambda, w_sft = 1 - lambda (not beside kd.weight or sft.weight)")
            .define(LOSS_VARIANT, Type.STRING, TRAINING.lossVariant().configName(), Validators.oneOf(LossVariant::parse,
                            names(LossVariant.values(), LossVariant::configName)), Importance.HIGH,
                    "renormalised (NeMo: both distributions over the teacher's K), tail (ModelOpt: exact over the K plus a"
                            + " bucket for the rest; teacher temperature 1) or sampled (RS-KD: entries are tokens drawn from the"
                            + " teacher with their importance-weighted frequencies as values - logSumExp, as SAMPLED_COUNTS records"
                            + " hold them; full-vocabulary student softmax, no tail bucket, unbiased gradient; forward KL and"
                            + " teacher temperature 1 only)")
            .define(KL_DIRECTION, Type.STRING, TRAINING.klDirection().configName(), Validators.oneOf(KlDirection::parse,
                            names(KlDirection.values(), KlDirection::configName)), Importance.HIGH,
                    "forward KL(teacher || student) or reverse KL(student || teacher)")
            .define(TOPK, Type.INT, TRAINING.trainingTopK(), Validators.atLeast(1), Importance.HIGH,
                    "K used in training (at most the K stored; the sampled variant trains on every draw)")
            .define(TEMPERATURE, Type.DOUBLE, TRAINING.studentTemperature(), Validators.positive(), Importance.HIGH,
                    "the temperature of teacher and student inside the KD term (CE always uses 1)")
            .define(TEACHER_TEMPERATURE, Type.DOUBLE, null, Validators.positive(), Importance.MEDIUM,
                    "the teacher's temperature apart; unset: temperature")
            .define(STUDENT_TEMPERATURE, Type.DOUBLE, null, Validators.positive(), Importance.MEDIUM,
                    "the student's temperature apart; unset: temperature")
            .define(SEED, Type.LONG, TRAINING.seed(), Importance.LOW, "seed of the student's initialisation and the shuffle")
            .define(STUDENT_LAYERS, Type.INT, STUDENT_PRESET.layers(), Validators.atLeast(1), Importance.HIGH,
                    "the student's layers; a checkpoint of another shape is not resumed")
            .define(STUDENT_WIDTH, Type.INT, STUDENT_PRESET.modelWidth(), Validators.atLeast(1), Importance.HIGH,
                    "the student's model width (divisible by heads)")
            .define(STUDENT_HEADS, Type.INT, STUDENT_PRESET.heads(), Validators.atLeast(1), Importance.HIGH, "the student's attention heads")
            .define(STUDENT_FEED_FORWARD_WIDTH, Type.INT, STUDENT_PRESET.feedForwardWidth(), Validators.atLeast(1), Importance.HIGH,
                    "the student's feed-forward width (its context is the teacher's)")
            .define(INIT_CHECKPOINT, Type.STRING, null, Importance.HIGH, "a base checkpoint (a pretrained student, e.g. another"
                    + " run's step-N.ckpt) whose weights a new run starts from; not its optimizer state or step (resuming does"
                    + " that); another shape or tokenizer is refused; recorded as initCheckpoint in each checkpoint's config."
                    + " Unset: random weights")
            .define(TOKENIZER, Type.STRING, Tokenizers.CHAR, Importance.HIGH, "char or the path of a Hugging Face tokenizer.json:"
                    + " records made with another tokenizer are refused, and the student's vocabulary is this one's");

    public static TrainerConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        String runId = values.string(RUN_ID);
        Path checkpointDir = values.path(CHECKPOINT_DIR).resolve(runId);
        try {
            TrainingConfig training = training(values);
            return new TrainerConfig(settings, runId,
                    values.longValue(STEPS),
                    values.longValue(CHECKPOINT_EVERY),
                    checkpointDir,
                    values.string(TEACHER_FINGERPRINT),
                    values.integer(MIN_EXAMPLES),
                    training,
                    new CacheConfig(values.isSet(CACHE_DIR) ? values.path(CACHE_DIR) : checkpointDir.resolve("cache"),
                            values.longValue(CACHE_SHARD_BYTES),
                            Duration.ofMillis(values.longValue(CACHE_COMMIT_INTERVAL)),
                            values.bool(CACHE_REBUILD)),
                    new SamplingConfig(values.integer(SHUFFLE_BUFFER),
                            values.decimal(FRESH_SHARE),
                            values.integer(EPOCHS),
                            training.batchSize(),
                            values.integer(BATCH_TOKENS)),
                    StudentShape.of(values),
                    values.path(INIT_CHECKPOINT),
                    values.string(TOKENIZER));
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

    private static TrainingConfig training(ConfigValues values) {
        double temperature = values.decimal(TEMPERATURE);
        double learningRate = values.decimal(LEARNING_RATE);
        TrainingConfig.Builder training = TRAINING.toBuilder()
                .weights(values.decimal(KD_WEIGHT), values.decimal(SFT_WEIGHT))
                .loss(LossVariant.parse(values.string(LOSS_VARIANT)), KlDirection.parse(values.string(KL_DIRECTION)))
                .temperatures(values.isSet(TEACHER_TEMPERATURE) ? values.decimal(TEACHER_TEMPERATURE) : temperature,
                        values.isSet(STUDENT_TEMPERATURE) ? values.decimal(STUDENT_TEMPERATURE) : temperature)
                .trainingTopK(values.integer(TOPK))
                .learningRate(learningRate, values.integer(WARMUP_STEPS))
                .schedule(LearningRateSchedule.parse(values.string(LR_SCHEDULE)),
                        values.isSet(LR_MIN) ? values.decimal(LR_MIN) : TrainingConfig.defaultMinLearningRate(learningRate),
                        values.isSet(LR_DECAY_STEPS) ? values.longValue(LR_DECAY_STEPS) : values.longValue(STEPS))
                .gradientClipNorm(values.decimal(CLIP_NORM))
                .batchSize(values.integer(BATCH_SIZE))
                .seed(values.longValue(SEED));
        if (values.isSet(LAMBDA)) {
            if (values.isSet(KD_WEIGHT) || values.isSet(SFT_WEIGHT)) {
                throw new ConfigException(LAMBDA + " sets both weights (w_kd = lambda, w_sft = 1 - lambda): set it or "
                        + KD_WEIGHT + "/" + SFT_WEIGHT + ", not both");
            }
            training.lambda(values.decimal(LAMBDA));
        }
        return training.build();
    }

    private static <T> List<String> names(T[] values, Function<T, String> name) {
        return Arrays.stream(values).map(name).toList();
    }
}
