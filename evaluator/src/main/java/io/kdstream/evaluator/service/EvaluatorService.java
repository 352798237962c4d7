package io.kdstream.evaluator.service;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.heldout.HeldOutSet;
import io.kdstream.evaluator.heldout.TeacherReference;
import io.kdstream.evaluator.scoring.CheckpointScorer;
import io.kdstream.evaluator.scoring.TaskJudge;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.Resources;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The evaluator: for every checkpoint announced on {@code kd.checkpoints}, checks the file's SHA-256, scores the
 * model on the held-out prompts and publishes an EvalResult. A missing or corrupt checkpoint yields a result with
 * status CHECKPOINT_INVALID, never a crash. Results are keyed by run, step, dataset and split, so a re-delivered
 * event replaces its result instead of adding one. While the schema registry cannot be reached, the event at hand and
 * those after it are put back and read again when it answers ({@link RegistryWait}); nothing is dead-lettered or
 * scored as failed for it.
 */
public final class EvaluatorService extends LoopService {

    private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);
    public static final String SERVICE = "kdstream-evaluator";

    private final EvaluatorConfig config;
    private final Tokenizer tokenizer;
    private final AtomicLong published = new AtomicLong();
    private TopicCatalogue catalogue;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<String, EvalResult> producer;
    private DeadLetters deadLetters;
    private HeldOutSet heldOut;
    private TeacherReference teacherReference;
    private CheckpointScorer scorer;
    private RegistryWait registryWait;

    public EvaluatorService(EvaluatorConfig config) {
        super(SERVICE);
        this.config = config;
        this.tokenizer = Tokenizers.load(config.tokenizer());
    }

    @Override
    protected void open() {
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.PROMPTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.CHECKPOINTS,
                TopicCatalogue.EVALS, TopicCatalogue.DEAD_LETTER));
        catalogue = new TopicCatalogue(client);
        registryWait = new RegistryWait(SERVICE, catalogue.registry());
        heldOut = new HeldOutSet(client, catalogue.prompts(), config.dataset(), config.split(), SERVICE + "-heldout");
        teacherReference = new TeacherReference(client, catalogue.teacherLogits(), SERVICE + "-teacher");
        scorer = new CheckpointScorer(tokenizer, new TaskJudge(config.codeStepLimit()), config.maxNewTokens(), config.batchSize());
        producer = KafkaClients.producer(client, catalogue.evals(), SERVICE);
        deadLetters = new DeadLetters(SERVICE, client, catalogue.deadLetter());
        consumer = polled(KafkaClients.rawConsumer(client, config.groupId(), SERVICE));
        consumer.subscribe(List.of(catalogue.checkpoints().name()));
    }

    @Override
    protected boolean runOnce() throws Exception {
        if (registryWait.waiting()) {
            consumer.pause(consumer.assignment()); // polled all the same, so the group keeps this member
        }
        ConsumerRecords<byte[], byte[]> records = pollUnlessClosing(consumer, Duration.ofMillis(500));
        if (records == null) {
            return false;
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        records.partitions().forEach(partition -> next.put(partition, records.records(partition).get(0).offset()));
        if (registryWait.waiting()) {
            next.forEach(consumer::seek);
            if (registryWait.over()) {
                consumer.resume(consumer.paused());
            }
            return true;
        }
        int done = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                handle(record);
            } catch (RuntimeException e) {
                Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
                if (outage.isEmpty()) {
                    throw e;
                }
                next.forEach(consumer::seek); // this record and the rest of the poll are read again
                registryWait.outage(outage.get(), records.count() - done);
                return true;
            }
            next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            done++;
        }
        return true;
    }

    /** Scores one announced checkpoint and publishes the result; an undecodable announcement is dead-lettered. */
    private void handle(ConsumerRecord<byte[], byte[]> record) {
        CheckpointEvent event;
        try {
            event = catalogue.checkpoints().valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e;
            }
            deadLetters.publish(record, e);
            commit(record);
            return;
        }
        EvalResult result = evaluate(event);
        String key = TopicCatalogue.evalKey(result.getRunId(), result.getStep(), result.getDataset(), result.getSplit().name());
        KafkaClients.sendAndWait(producer, new ProducerRecord<>(catalogue.evals().name(), key, result), config.settings().clientProperties());
        published.incrementAndGet();
        commit(record);
    }

    /**
     * Commits past the record. A member the group dropped meanwhile (its poll took longer than max.poll.interval.ms)
     * cannot: it rejoins at its next poll and the checkpoint is handed out again, its evaluation published again under
     * the same key.
     */
    private void commit(ConsumerRecord<byte[], byte[]> record) {
        try {
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
        } catch (CommitFailedException dropped) {
            log.warn("{}: left the group while scoring {}-{}@{} (longer than max.poll.interval.ms); it rejoins and the checkpoint is"
                    + " scored again", SERVICE, record.topic(), record.partition(), record.offset());
        }
    }

    EvalResult evaluate(CheckpointEvent event) {
        long started = System.currentTimeMillis();
        EvalResult.Builder result = EvalResult.newBuilder()
                .setRunId(event.getRunId()).setStep(event.getStep())
                .setCheckpointUri(event.getUri()).setCheckpointSha256(event.getSha256())
                .setDataset(config.dataset()).setSplit(config.split())
                .setExamples(0);
        try {
            heldOut.refresh();
            List<Prompt> prompts = heldOut.first(config.maxExamples());
            teacherReference.refresh(prompts.stream().map(Prompt::getId).collect(Collectors.toSet()));
            try (LoadedCheckpoint checkpoint = CheckpointFile.read(Path.of(URI.create(event.getUri())), event.getSha256(), tokenizer.fingerprint())) {
                CheckpointScorer.Scores scores = scorer.score(checkpoint.model(), prompts,
                        prompt -> teacherReference.find(event.getTeacherFingerprint(), prompt.getId()));
                result.setStatus(EvalStatus.OK).setExamples(scores.examples())
                        .setExactMatch(scores.exactMatch()).setPassAt1(scores.passAt1())
                        .setAnswerCrossEntropy(scores.answerCrossEntropy())
                        .setAnswerCalibrationError(scores.answerCalibrationError())
                        .setTeacherAgreement(scores.teacherAgreement()).setTeacherKl(scores.teacherKl())
                        .setTeacherExamples(scores.teacherExamples());
                log.info("{} step {}: {} on {} {} {} prompts, answer CE {}, teacher agreement {} on {}", event.getRunId(), event.getStep(),
                        scores.passAt1() != null ? "pass@1 " + scores.passAt1() : "exact match " + scores.exactMatch(),
                        scores.examples(), config.dataset(), config.split(), String.format("%.4f", scores.answerCrossEntropy()),
                        scores.teacherAgreement(), scores.teacherExamples());
            }
        } catch (CheckpointException e) {
            log.warn("{} step {}: checkpoint {} is not usable: {}", event.getRunId(), event.getStep(), event.getUri(), e.getMessage());
            result.setStatus(EvalStatus.CHECKPOINT_INVALID).setError(e.getMessage());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e; // not the checkpoint's failure: it is scored when the registry answers
            }
            log.warn("{} step {}: evaluation failed: {}", event.getRunId(), event.getStep(), e.toString());
            result.setStatus(EvalStatus.FAILED).setError(e.toString());
        }
        return result.setEvalMillis(System.currentTimeMillis() - started).setEvaluatedAt(Instant.now()).build();
    }

    /** Results published so far. */
    public long published() {
        return published.get();
    }


    /** Names this service's principal when the cluster refuses it a read. */
    @Override
    protected Map<String, ?> clientProperties() {
        return config.settings().clientProperties();
    }

    @Override
    protected void release() {
        Resources.closeAll(name(), consumer, producer, deadLetters, heldOut, teacherReference);
    }

    /** Runs the evaluator; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link EvaluatorConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new EvaluatorService(EvaluatorConfig.from(settings)), settings);
    }
}
