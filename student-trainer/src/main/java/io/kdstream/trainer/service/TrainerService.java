package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.Resources;
import io.kdstream.schemas.avro.PartitionOffset;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.cache.LogitCache;
import io.kdstream.trainer.checkpoint.CheckpointPublisher;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The student trainer: reads the logit cache topic from the beginning and keeps reading while it trains, so new
 * teacher output is used as soon as it arrives; takes KD + CE steps on batches sampled from what it has read;
 * writes a checkpoint every N steps and at the end, and announces each on {@code kd.checkpoints}.
 *
 * <p>It trains only on TRAIN-split records of one teacher and the student's tokenizer: a record from another
 * tokenizer is a dead letter (it can never be used); another teacher's record is skipped and counted.
 */
public final class TrainerService extends LoopService {

    private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
    public static final String SERVICE = "kdstream-trainer";

    private final TrainerConfig config;
    private final CharTokenizer tokenizer = new CharTokenizer();
    private final LogitCache cache;
    private final ChunkAssembler chunks = new ChunkAssembler();
    private final AtomicLong otherTeacherRecords = new AtomicLong();
    private final AtomicLong heldOutRecords = new AtomicLong();
    private final AtomicReference<StepMetrics> lastStep = new AtomicReference<>();
    private final AtomicLong checkpoints = new AtomicLong();
    private volatile String teacherFingerprint;
    private TopicCatalogue catalogue;
    private KafkaConsumer<byte[], byte[]> consumer;
    private TrainerMetrics metrics;
    private DeadLetters deadLetters;
    private CheckpointPublisher checkpointPublisher;
    private StudentOptimizer optimizer;
    private long tokensSeen;
    private long trainingNanos;

    public TrainerService(TrainerConfig config) {
        super(SERVICE + "-" + config.runId());
        this.config = config;
        this.cache = new LogitCache(config.training().seed());
        this.teacherFingerprint = config.teacherFingerprint();
    }

    @Override
    protected void open() {
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.CHECKPOINTS, TopicCatalogue.DEAD_LETTER));
        catalogue = new TopicCatalogue(client);
        deadLetters = new DeadLetters(SERVICE, client, catalogue.deadLetter());
        checkpointPublisher = new CheckpointPublisher(config.runId(), config.checkpointDir(), client, catalogue.checkpoints());
        // The trainer tracks its own position in the cache (recorded in every checkpoint), so it reads without a group.
        consumer = polled(KafkaClients.rawConsumer(client, null, name()));
        List<TopicPartition> partitions = consumer.partitionsFor(catalogue.teacherLogits().name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), config.training().seed());
        optimizer = new StudentOptimizer(student, config.training());
        metrics = new TrainerMetrics(Observability.registry(), config.runId(), consumer, cache::size);
        log.info("{}: training a {}-parameter student for {} steps ({})", name(), student.parameterCount(), config.maxSteps(), config.training());
    }

    @Override
    protected boolean runOnce() throws Exception {
        boolean ready = cache.size() >= config.minExamples();
        try {
            consumer.poll(Duration.ofMillis(ready ? 0 : 200)).forEach(this::ingest);
        } catch (WakeupException closing) {
            return false;
        }
        if (cache.size() < config.minExamples()) {
            return true;
        }
        long started = System.nanoTime();
        StepMetrics metrics = optimizer.step(cache.sample(config.training().batchSize()));
        long nanos = System.nanoTime() - started;
        trainingNanos += nanos;
        this.metrics.step(metrics, nanos);
        tokensSeen += metrics.tokens();
        lastStep.set(metrics);
        long step = optimizer.completedSteps();
        if (step % config.checkpointEvery() == 0 || step >= config.maxSteps()) {
            checkpoint(metrics);
        }
        return step < config.maxSteps();
    }

    private void ingest(ConsumerRecord<byte[], byte[]> record) {
        TeacherLogits logits;
        SequenceLogits sequence;
        try {
            logits = catalogue.teacherLogits().valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (logits == null) {
                return; // a tombstone: the cache entry was pruned
            }
            Optional<SequenceLogits> assembled = chunks.accept(logits);
            if (assembled.isEmpty()) {
                return; // a chunk of a sequence whose other chunks are still to come
            }
            sequence = assembled.get();
            if (!sequence.tokenizerFingerprint().equals(tokenizer.fingerprint())) {
                throw new IllegalArgumentException("record of prompt " + sequence.promptId() + " was made with tokenizer "
                        + sequence.tokenizerFingerprint() + "; this student uses " + tokenizer.fingerprint());
            }
            if (sequence.k() < config.training().trainingTopK()) {
                throw new IllegalArgumentException("record of prompt " + sequence.promptId() + " stores the teacher's top-"
                        + sequence.k() + ", fewer than the K this run trains with (kdstream.trainer.topk=" + config.training().trainingTopK() + ")");
            }
        } catch (RuntimeException e) {
            deadLetters.publish(record, e);
            return;
        }
        if (teacherFingerprint == null) {
            teacherFingerprint = sequence.teacherFingerprint();
            log.info("{}: no teacher configured (kdstream.trainer.teacher.fingerprint); training on the first one seen, {}", name(), teacherFingerprint);
        }
        if (!teacherFingerprint.equals(sequence.teacherFingerprint())) {
            otherTeacherRecords.incrementAndGet();
        } else if (logits.getSplit() != Split.TRAIN) {
            heldOutRecords.incrementAndGet();
        } else {
            cache.put(sequence);
        }
    }

    private void checkpoint(StepMetrics metrics) throws Exception {
        List<PartitionOffset> offsets = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            offsets.add(new PartitionOffset(partition.topic(), partition.partition(), consumer.position(partition)));
        }
        double tokensPerSecond = trainingNanos == 0 ? 0 : tokensSeen / (trainingNanos / 1e9);
        checkpointPublisher.publish(new CheckpointPublisher.State(optimizer.model(), optimizer.completedSteps(), tokensSeen, metrics,
                tokensPerSecond, config.training(), teacherFingerprint, tokenizer.fingerprint(), offsets));
        checkpoints.incrementAndGet();
        log.info("{}: checkpoint at step {} (loss {} = kd {} + ce {})", name(), optimizer.completedSteps(),
                fmt(metrics.totalLoss()), fmt(metrics.kdLoss()), fmt(metrics.ceLoss()));
    }

    private static String fmt(double value) {
        return String.format("%.4f", value);
    }


    @Override
    protected void release() {
        Resources.closeAll(name(), metrics, consumer, checkpointPublisher, deadLetters, optimizer, optimizer == null ? null : optimizer.model());
    }

    /** Progress, for the CLI and tests. */
    public record Progress(long step, long maxSteps, int cachedExamples, long checkpoints, long otherTeacherRecords, StepMetrics lastStep) {
    }

    public Progress progress() {
        StudentOptimizer current = optimizer;
        return new Progress(current == null ? 0 : current.completedSteps(), config.maxSteps(), cache.size(), checkpoints.get(),
                otherTeacherRecords.get(), lastStep.get());
    }

    /** Runs the trainer; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link TrainerConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new TrainerService(TrainerConfig.from(settings)), settings);
    }
}
