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
import io.kdstream.platform.kafka.KafkaAccess;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.InstanceIds;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
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
 * status CHECKPOINT_INVALID, never a crash. Results are keyed by run, step, dataset and split. While the schema
 * registry cannot be reached, the event at hand and those after it are put back and read again when it answers
 * ({@link RegistryWait}); nothing is dead-lettered or scored as failed for it.
 *
 * <p>Exactly once, read-process-write: each result (or an announcement's dead letter) and the announcement's
 * consumed offset are one Kafka transaction, so {@code read_committed} readers of {@code kd.evals} see each
 * checkpoint's evaluation once even when the evaluator is killed between publishing and committing. The scoring
 * itself runs before the transaction begins, so a transaction lasts a send and a commit, not a scoring. A restarted
 * evaluator of the same group, dataset and instance id has the same {@code transactional.id}: it fences its
 * predecessor and aborts its unfinished transaction at once; the checkpoint is then scored again. The instance id is
 * also its {@code group.instance.id} (static membership, unless set): the restarted evaluator takes over the killed
 * one's partition at once instead of after the group's session timeout.
 */
public final class EvaluatorService extends LoopService {

    private static final Logger log = LoggerFactory.getLogger(EvaluatorService.class);
    public static final String SERVICE = "kdstream-evaluator";

    private final EvaluatorConfig config;
    private final String instanceId;
    private final Tokenizer tokenizer;
    private final AtomicLong published = new AtomicLong();
    private TopicCatalogue catalogue;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private HeldOutSet heldOut;
    private TeacherReference teacherReference;
    private CheckpointScorer scorer;
    private RegistryWait registryWait;

    /** An evaluator named by this host ({@link InstanceIds#ofThisHost()}). */
    public EvaluatorService(EvaluatorConfig config) {
        this(config, InstanceIds.ofThisHost());
    }

    /**
     * @param instanceId this evaluator's stable name: a restarted evaluator with the same name (and group and dataset)
     *                   fences the one it replaces, aborts its unfinished transaction and takes over its partition at once
     */
    public EvaluatorService(EvaluatorConfig config, String instanceId) {
        super(SERVICE);
        this.config = config;
        this.instanceId = instanceId;
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
        producer = KafkaClients.transactionalProducer(client, transactionalId(), SERVICE);
        Map<String, Object> consumerProperties = new HashMap<>(client);
        // one checkpoint a poll: scoring one takes seconds to minutes, and a whole poll's batch must be done within
        // max.poll.interval.ms (5 min) or the group drops the member (22 queued checkpoints of 500 problems did)
        consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // static membership: a restart under the same instance id is handed the partition at once; a graceful close
        // still leaves the group (see release())
        consumer = polled(KafkaClients.staticMember(consumerProperties, config.groupId(), instanceId, SERVICE));
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
            putBack(next);
            if (registryWait.over()) {
                consumer.resume(consumer.paused());
            }
            return true;
        }
        int done = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                if (!handle(record)) {
                    putBack(next); // its transaction was aborted: this record and the rest of the poll are read again
                    return true;
                }
            } catch (RuntimeException e) {
                Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
                if (outage.isEmpty()) {
                    throw e;
                }
                putBack(next); // this record and the rest of the poll are read again
                registryWait.outage(outage.get(), records.count() - done);
                return true;
            }
            next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            done++;
        }
        return true;
    }

    /**
     * Scores one announced checkpoint and publishes the result, in one transaction with the announcement's offset; an
     * undecodable announcement is dead-lettered the same way. False when the transaction was aborted (the record is to
     * be read again).
     */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        CheckpointEvent event;
        try {
            event = catalogue.checkpoints().valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e;
            }
            return commitWith(record, DeadLetters.inTransaction(SERVICE, record, e, catalogue.deadLetter()));
        }
        EvalResult result = evaluate(event);
        String key = TopicCatalogue.evalKey(result.getRunId(), result.getStep(), result.getDataset(), result.getSplit().name());
        String topic = catalogue.evals().name();
        // serialized before the transaction begins: a registry outage here puts the record back with nothing to abort
        ProducerRecord<byte[], byte[]> evaluation = new ProducerRecord<>(topic, catalogue.evals().keySerde().serializer().serialize(topic, key),
                catalogue.evals().valueSerde().serializer().serialize(topic, result));
        if (!commitWith(record, evaluation)) {
            return false;
        }
        published.incrementAndGet();
        return true;
    }

    /**
     * Sends {@code out} and commits past {@code record} in one transaction. False when the transaction was aborted: a
     * member the group dropped meanwhile (its poll took longer than max.poll.interval.ms) cannot commit; it rejoins at its
     * next poll, the checkpoint is handed out again and scored again, and only that evaluation is ever committed.
     */
    private boolean commitWith(ConsumerRecord<byte[], byte[]> record, ProducerRecord<byte[], byte[]> out) {
        producer.beginTransaction();
        try {
            producer.send(out);
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)),
                    consumer.groupMetadata());
            producer.commitTransaction();
            return true;
        } catch (ProducerFencedException | OutOfOrderSequenceException fatal) {
            throw new IllegalStateException(SERVICE + " cannot go on: " + fatal.getMessage() + (fatal instanceof ProducerFencedException
                    ? " (another evaluator runs with the transactional id " + transactionalId() + ")" : ""), fatal);
        } catch (KafkaException e) {
            Optional<AuthorizationException> refused = causeOf(e, AuthorizationException.class);
            if (refused.isPresent()) {
                KafkaAccess.RefusedException refusal = KafkaAccess.refusal(refused.get(), config.settings().clientProperties(), "write",
                        KafkaAccess.resource(refused.get())).orElseThrow();
                abortOrSuppress(refusal);
                throw refusal;
            }
            if (causeOf(e, CommitFailedException.class).isPresent()) {
                log.warn("{}: left the group while scoring {}-{}@{} (longer than max.poll.interval.ms); its evaluation is aborted,"
                        + " and it rejoins and scores the checkpoint again", SERVICE, record.topic(), record.partition(), record.offset());
            } else {
                log.warn("{}: transaction aborted, {}-{}@{} will be handled again: {}", SERVICE, record.topic(), record.partition(), record.offset(), e.toString());
            }
            producer.abortTransaction();
            return false;
        } catch (RuntimeException stop) {
            // the evaluator stops: abort now, so read_committed readers are not held until the transaction times out
            abortOrSuppress(stop);
            throw stop;
        }
    }

    private void abortOrSuppress(RuntimeException error) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException abortFailed) {
            error.addSuppressed(abortFailed);
        }
    }

    private static <T extends Throwable> Optional<T> causeOf(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /** Reads {@code next} again: each polled partition from the first record not yet done, where this member still has it. */
    private void putBack(Map<TopicPartition, Long> next) {
        next.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /** Its group, its dataset and its instance: two evaluators differ in one of them; a restarted one, in none. */
    private String transactionalId() {
        return config.groupId() + "-" + config.dataset() + "-" + instanceId;
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
                        .setTeacherExamples(scores.teacherExamples()).setSolvedByFamily(scores.solvedByFamily());
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

    /** Results published so far, in committed transactions. */
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
        // Leave the group on a graceful stop, so an evaluator started under another name is handed the partition at once
        // even with static membership.
        Resources.closeAll(name(), KafkaClients.leavingGroup(consumer), producer, heldOut, teacherReference);
    }

    /**
     * Runs the evaluator, named by {@code args[0]} or the host name; settings from {@code KDSTREAM_CONFIG} and the
     * environment (see {@link EvaluatorConfig}).
     */
    public static void main(String[] args) throws InterruptedException {
        String instance = args.length > 0 ? args[0] : InstanceIds.ofThisHost();
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new EvaluatorService(EvaluatorConfig.from(settings), instance), settings);
    }
}
