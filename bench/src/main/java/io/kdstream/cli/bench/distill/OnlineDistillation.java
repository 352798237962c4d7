package io.kdstream.cli.bench.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.checkpoint.BaseCheckpoint;
import io.kdstream.trainer.checkpoint.CheckpointPublisher;
import io.kdstream.trainer.checkpoint.CheckpointStore;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingConfig;
import io.kdstream.trainer.training.TrainingExample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The "other KD methods" baseline (torchtune, TRL GKD, NeMo without a cache): the teacher is loaded inside the trainer
 * and runs a forward pass on every batch, and KD is the KL over the whole vocabulary. Renormalised top-K KD with
 * K = the vocabulary size is exactly full-vocabulary KL, so the trainer's own {@link StudentOptimizer} and loss are fed
 * the teacher's logits of all V tokens, computed in-process each step.
 *
 * <p>The same student, initialisation (random, or the base checkpoint of {@code kdstream.trainer.init.checkpoint}), optimiser, batch size and sampling as the cached trainer; the training prompts
 * come from {@code kd.prompts} (the online trainer needs no logit cache), and checkpoints are announced on
 * {@code kd.checkpoints} like the trainer service's, so the same evaluator scores them.
 */
public final class OnlineDistillation {

    private OnlineDistillation() {
    }

    public static StudentRunProcess.Result run(Settings settings, Path teacherCheckpoint) throws Exception {
        TrainerConfig config = TrainerConfig.from(settings);
        TrainingConfig training = config.training();
        CharTokenizer tokenizer = new CharTokenizer();
        int vocabulary = tokenizer.vocabularySize();
        if (training.trainingTopK() != vocabulary) {
            throw new IllegalArgumentException("online full-vocabulary KD trains with K = the vocabulary (" + vocabulary + "), got "
                    + training.trainingTopK());
        }
        String teacherFingerprint = config.teacherFingerprint();
        List<TokenizedExample> examples = trainingExamples(settings, tokenizer, config.minExamples());
        SplittableRandom random = new SplittableRandom(training.seed());
        Map<String, Object> client = settings.clientProperties();
        long stepNanos = 0;
        long tokensSeen = 0;
        try (LoadedCheckpoint teacher = CheckpointFile.read(teacherCheckpoint, null, tokenizer.fingerprint());
             DecoderLanguageModel student = config.initCheckpoint() == null
                     ? DecoderLanguageModel.create(config.student().architecture(vocabulary), training.seed())
                     : BaseCheckpoint.load(config.initCheckpoint(), tokenizer.fingerprint(), config.student().architecture(vocabulary));
             StudentOptimizer optimizer = new StudentOptimizer(student, training);
             CheckpointPublisher checkpoints = new CheckpointPublisher(config.runId(), new CheckpointStore(config.checkpointDir()), client,
                     new TopicCatalogue(client).checkpoints())) {
            for (long step = 1; step <= config.maxSteps(); step++) {
                List<TokenizedExample> batch = sample(examples, training.batchSize(), random);
                long started = System.nanoTime();
                StepMetrics metrics = optimizer.step(withTeacherLogits(teacher.model(), batch, vocabulary));
                long nanos = System.nanoTime() - started;
                stepNanos += nanos;
                tokensSeen += metrics.tokens();
                if (step % config.checkpointEvery() == 0 || step == config.maxSteps()) {
                    checkpoints.publishModel(student, step, tokensSeen, metrics, tokensSeen / (stepNanos / 1e9), training,
                            settingsRecorded(training), teacherFingerprint, tokenizer.fingerprint());
                }
            }
        }
        return new StudentRunProcess.Result(config.maxSteps(), stepNanos / 1e6 / config.maxSteps(), 0, 0);
    }

    /** What the online run's checkpoints record of its settings: the training config and what makes it online. */
    private static Map<String, String> settingsRecorded(TrainingConfig training) {
        Map<String, String> settings = new LinkedHashMap<>(training.toMap());
        settings.put("objective", "online-full-vocabulary-kd");
        return settings;
    }

    /** The TRAIN prompts of {@code kd.prompts}, at least {@code expected} of them. */
    private static List<TokenizedExample> trainingExamples(Settings settings, CharTokenizer tokenizer, int expected) {
        Map<String, Object> client = settings.clientProperties();
        TopicCatalogue catalogue = new TopicCatalogue(client);
        Map<String, Prompt> prompts = new LinkedHashMap<>();
        for (ConsumerRecord<String, Prompt> record : TopicSnapshot.read(client, TopicCatalogue.PROMPTS.name(), new StringDeserializer(),
                catalogue.prompts().valueSerde().deserializer(), expected, Duration.ofMinutes(2))) {
            if (record.value() != null && record.value().getSplit() == Split.TRAIN) {
                prompts.put(record.key(), record.value());
            }
        }
        if (prompts.size() < expected) {
            throw new IllegalStateException("kd.prompts holds " + prompts.size() + " training prompts, expected " + expected);
        }
        List<TokenizedExample> examples = new ArrayList<>(prompts.size());
        for (Prompt prompt : prompts.values()) {
            examples.add(tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()));
        }
        return examples;
    }

    /** As the trainer's cache samples: uniform, without replacement within a batch. */
    private static List<TokenizedExample> sample(List<TokenizedExample> examples, int batchSize, SplittableRandom random) {
        int size = Math.min(batchSize, examples.size());
        List<TokenizedExample> batch = new ArrayList<>(size);
        Set<Integer> taken = new HashSet<>();
        while (batch.size() < size) {
            int index = random.nextInt(examples.size());
            if (taken.add(index)) {
                batch.add(examples.get(index));
            }
        }
        return batch;
    }

    /**
     * The teacher's forward pass on the batch, and each position's logits over the whole vocabulary as a
     * "top-V" entry list (ids 0..V-1 in vocabulary order: renormalising over all V entries does not depend on it).
     */
    static List<TrainingExample> withTeacherLogits(DecoderLanguageModel teacher, List<TokenizedExample> batch, int vocabulary) {
        int width = batch.stream().mapToInt(e -> e.tokens().length).max().orElseThrow();
        int[] flat = new int[batch.size() * width];
        for (int row = 0; row < batch.size(); row++) {
            System.arraycopy(batch.get(row).tokens(), 0, flat, row * width, batch.get(row).tokens().length);
        }
        float[] logits;
        try (NDManager scope = teacher.manager().newSubManager()) {
            NDArray tokens = scope.create(flat, new Shape(batch.size(), width));
            logits = teacher.logits(scope, tokens, false).toFloatArray();
        }
        List<TrainingExample> out = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
            TokenizedExample example = batch.get(row);
            int positions = example.tokens().length - 1;
            int[] ids = new int[positions * vocabulary];
            float[] values = new float[positions * vocabulary];
            float[] logSumExp = new float[positions];
            for (int p = 0; p < positions; p++) {
                int from = (row * width + p) * vocabulary;
                System.arraycopy(logits, from, values, p * vocabulary, vocabulary);
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocabulary; v++) {
                    ids[p * vocabulary + v] = v;
                    max = Math.max(max, logits[from + v]);
                }
                double sum = 0;
                for (int v = 0; v < vocabulary; v++) {
                    sum += Math.exp(logits[from + v] - max);
                }
                logSumExp[p] = (float) (max + Math.log(sum));
            }
            out.add(new TrainingExample(example.tokens(), example.lossMask(), ids, values, logSumExp, vocabulary));
        }
        return out;
    }
}
