package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.KafkaAccess;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.service.InstanceIds;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.EncodablePositions;
import io.kdstream.schemas.logits.chunks.ChunkKeys;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.backend.SamplingTeacher;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.backend.TeacherRejectedException;
import io.kdstream.teacher.backend.TeacherUnavailableException;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A teacher worker: consumes teacher requests (prompts the cache router found uncached) as a member of the
 * teacher's consumer group, runs the teacher over prompt + response, and publishes each sequence's top-K logits to
 * the compacted logit cache, keyed by teacher fingerprint and prompt id.
 *
 * <p>Exactly once, read-process-write: each poll's logits, its dead letters and its consumed offsets are one Kafka
 * transaction. A worker killed mid-batch leaves an open transaction that its replacement (same instance id, so the
 * same {@code transactional.id} and static group membership) aborts on start and takes its partitions over at
 * once; a rebalance mid-batch fails the commit and the new owner of the
 * partitions redoes the batch. {@code read_committed} readers never see a record twice or miss one.
 *
 * <p>The teacher is a {@link TeacherBackend}: a model in this JVM or a model server. A server that cannot be reached
 * pauses the worker: the batch's transaction is aborted, its partitions are paused but kept (the worker goes on
 * polling, so it stays in its group), and it resumes when the server answers again; nothing is dead-lettered for it.
 * A schema registry that cannot be reached (a request of a schema id not yet known, logits whose schema is not yet
 * registered) pauses the worker the same way ({@link RegistryWait}); a registry that answers it has no such id is the
 * record's fault, and that record is dead-lettered.
 */
public final class TeacherWorker extends LoopService {

    private static final Logger log = LoggerFactory.getLogger(TeacherWorker.class);
    private static final Duration MAX_AVAILABILITY_WAIT = Duration.ofSeconds(30);
    public static final String SERVICE = "kdstream-teacher-worker";

    private final TeacherWorkerConfig config;
    private final String instanceId;
    private final Tokenizer tokenizer;
    private final AtomicLong published = new AtomicLong();
    private final TeacherBackends.Opener opener;
    private final BeforeCommit beforeCommit;
    private TopicCatalogue catalogue;
    private TeacherBackend teacher;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private WorkerMetrics metrics;
    /** A short sequence any working teacher scores: asked when a request fails alone, to tell input from device. */
    private int[] probe;
    /** While the teacher is unreachable: when to ask it again (System.nanoTime), and the wait after that. */
    private volatile boolean paused;
    private long nextAvailabilityCheck;
    private Duration availabilityWait;
    private RegistryWait registryWait;

    /**
     * @param instanceId this worker's stable name in the group: a replacement with the same name fences the
     *                   worker it replaces and aborts its unfinished transaction at once
     */
    public TeacherWorker(TeacherWorkerConfig config, String instanceId) {
        this(config, instanceId, TeacherBackends::open);
    }

    /** A worker whose teacher {@code opener} opens (tests give it a teacher that fails on purpose). */
    public TeacherWorker(TeacherWorkerConfig config, String instanceId, TeacherBackends.Opener opener) {
        this(config, instanceId, opener, producer -> {
        });
    }

    /** A worker that calls {@code beforeCommit} between sending a batch and committing it (the kill test stops there). */
    TeacherWorker(TeacherWorkerConfig config, String instanceId, TeacherBackends.Opener opener, BeforeCommit beforeCommit) {
        super(SERVICE + "-" + instanceId);
        this.config = config;
        this.instanceId = instanceId;
        this.opener = opener;
        this.beforeCommit = beforeCommit;
        this.tokenizer = Tokenizers.load(config.tokenizer());
    }

    @Override
    protected void open() throws Exception {
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_REQUESTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        catalogue = new TopicCatalogue(client);
        registryWait = new RegistryWait(name(), catalogue.registry());
        teacher = opener.open(config, tokenizer);
        if (config.topK() < 1 || config.topK() > teacher.vocabularySize()) {
            // refused here, before any request is read, rather than by the first forward pass inside a transaction
            throw new ConfigException("setting 'kdstream.teacher.topk' is " + config.topK() + "; it must be between 1 and"
                    + " the teacher's vocabulary of " + teacher.vocabularySize());
        }
        int[] probeTokens = tokenizer.encodeExample("What is 1+1?", "2 #### 2").tokens();
        probe = Arrays.copyOf(probeTokens, Math.min(probeTokens.length, teacher.contextLength().orElse(probeTokens.length))); // any teacher fits it
        try {
            teacher.topK(List.of(probe), config.topK()); // a server's limit on K (vLLM's --max-logprobs) refuses it here, not per record
        } catch (TeacherRejectedException refused) {
            throw new ConfigException("setting 'kdstream.teacher.topk' is " + config.topK() + " and the teacher refuses it: "
                    + refused.getMessage(), refused);
        }
        if (config.sampled() != null && !(teacher instanceof SamplingTeacher)) {
            throw new ConfigException("setting 'kdstream.teacher.encoding' is " + TeacherWorkerConfig.SAMPLED + ", but the teacher on "
                    + teacher.device() + " cannot draw from its full distribution; use the " + TeacherWorkerConfig.DJL + " backend");
        }
        log.info("{} serves teacher {} on {} ({})", name(), teacher.identity().getFingerprint(), teacher.device(),
                config.sampled() == null ? "K=" + config.topK() : "sampled, " + config.sampled());
        producer = KafkaClients.transactionalProducer(client, config.groupId() + "-" + instanceId, name());
        // Static membership: a replacement with the same instance id takes over a killed worker's partitions at once
        // instead of after the session timeout; a graceful close still leaves the group (see release()).
        consumer = polled(KafkaClients.staticMember(client, config.groupId(), instanceId, name()));
        consumer.subscribe(List.of(catalogue.teacherRequests().name()));
        metrics = new WorkerMetrics(Observability.registry(), instanceId, teacher.identity().getFingerprint(), consumer, this::paused);
    }

    @Override
    protected boolean runOnce() throws Exception {
        if (waiting()) {
            consumer.pause(consumer.assignment()); // also partitions the group assigned while paused
        }
        ConsumerRecords<byte[], byte[]> records = pollUnlessClosing(consumer, Duration.ofMillis(500));
        if (records == null) {
            return false;
        }
        if (waiting()) {
            rewind(records); // from partitions assigned within that poll: read again once the teacher and registry answer
            checkWaits();
            return true;
        }
        if (records.isEmpty()) {
            return true;
        }
        producer.beginTransaction();
        try {
            Published sent = publish(records);
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            beforeCommit.reached(producer);
            producer.commitTransaction();
            published.addAndGet(sent.sequences());
            metrics.committed(sent.sequences(), sent.tokens());
        } catch (AuthorizationException refused) {
            // described here, as a write of the transaction (a refused read is described by the loop)
            throw KafkaAccess.refusal(refused, config.settings().clientProperties(), "write", KafkaAccess.resource(refused)).orElseThrow();
        } catch (ProducerFencedException | OutOfOrderSequenceException fatal) {
            throw new IllegalStateException(name() + " cannot go on: " + fatal.getMessage()
                    + (fatal instanceof ProducerFencedException ? " (another worker runs with the same instance id " + instanceId + ")" : ""), fatal);
        } catch (KafkaException e) {
            if (pausedForRegistry(e, records)) {
                return true;
            }
            log.warn("{}: transaction aborted, the batch will be redone: {}", name(), e.toString());
            producer.abortTransaction();
            rewind(records);
        } catch (TeacherUnavailableException e) {
            log.warn("{}: pausing, the batch will be redone when the teacher answers again: {}", name(), e.getMessage());
            producer.abortTransaction();
            rewind(records);
            paused = true;
            availabilityWait = Duration.ofSeconds(1);
            nextAvailabilityCheck = System.nanoTime() + availabilityWait.toNanos();
        } catch (RuntimeException stop) {
            if (pausedForRegistry(stop, records)) {
                return true;
            }
            // the worker stops: abort now, so read_committed readers are not held until the transaction times out
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                stop.addSuppressed(abortFailed);
            }
            throw stop;
        }
        return true;
    }

    /**
     * When the registry could not be reached (a serde's error carries the outage): aborts the batch, puts it back and
     * pauses until the registry answers. False for any other error.
     */
    private boolean pausedForRegistry(RuntimeException error, ConsumerRecords<byte[], byte[]> records) {
        Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(error);
        if (outage.isEmpty()) {
            return false;
        }
        producer.abortTransaction();
        rewind(records);
        registryWait.outage(outage.get(), records.count());
        return true;
    }

    private record Published(long sequences, long tokens) {
    }

    /** Reached with a batch's records sent and its offsets added, before its transaction commits. */
    interface BeforeCommit {
        void reached(KafkaProducer<byte[], byte[]> producer) throws InterruptedException;
    }

    /** Sends the logits of every usable request and a dead letter for every other, inside the open transaction. */
    private Published publish(ConsumerRecords<byte[], byte[]> records) {
        List<Pending> batch = new ArrayList<>();
        int batchTokens = 0;
        long sent = 0;
        long tokens = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Pending pending = prepare(record);
            if (pending == null) {
                continue;
            }
            if (!batch.isEmpty() && batchTokens + pending.example.tokens().length > config.batchTokens()) {
                sent += process(batch);
                batch.clear();
                batchTokens = 0;
            }
            batch.add(pending);
            batchTokens += pending.example.tokens().length;
            tokens += pending.example.tokens().length;
        }
        if (!batch.isEmpty()) {
            sent += process(batch);
        }
        return new Published(sent, tokens);
    }

    /** Decodes and tokenises one request; a record that cannot be used becomes a dead letter and null. */
    private Pending prepare(ConsumerRecord<byte[], byte[]> record) {
        try {
            Prompt prompt = catalogue.teacherRequests().valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (prompt.getResponse() == null) {
                throw new IllegalArgumentException("prompt " + prompt.getId() + " has no response to score");
            }
            TokenizedExample example = tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse());
            OptionalInt context = teacher.contextLength(); // a served teacher's server checks it and says so
            if (context.isPresent() && example.tokens().length > context.getAsInt()) {
                throw new IllegalArgumentException("prompt " + prompt.getId() + " is " + example.tokens().length
                        + " tokens, longer than the teacher's context of " + context.getAsInt());
            }
            return new Pending(record, prompt, example);
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e; // not the record's fault: the batch waits for the registry
            }
            deadLetter(record, e);
            return null;
        }
    }

    /** Sends the dead letter of a request inside the open transaction, so it commits with the request's offset. */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        producer.send(DeadLetters.inTransaction(SERVICE, record, error, catalogue.deadLetter()));
    }

    /**
     * Scores a batch and sends its records. A batch whose forward pass fails is scored again one sequence at a time
     * (a batch too large for the device's memory then goes through). A sequence that fails alone is dead-lettered
     * with the error if the teacher still scores a probe sequence (the input was at fault, so the worker goes on and
     * meets it no more after a restart); if the probe fails too, the device is at fault, and the worker stops with the
     * transaction aborted (nothing is lost) rather than dead-letter the whole stream.
     */
    private long process(List<Pending> batch) {
        long started = System.nanoTime();
        List<EncodablePositions> entries;
        try {
            entries = score(batch);
        } catch (TeacherUnavailableException e) {
            throw e; // the server, not this batch: the worker pauses
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                log.warn("{}: the teacher failed on a batch of {} sequences ({}); scoring them one at a time", name(), batch.size(), e.toString());
                long sent = 0;
                for (Pending pending : batch) {
                    sent += process(List.of(pending));
                }
                return sent;
            }
            RuntimeException deviceFailure = probeFailure();
            if (deviceFailure != null) {
                deviceFailure.addSuppressed(e);
                throw new IllegalStateException(name() + " stops: the teacher failed on prompt " + batch.get(0).prompt.getId()
                        + " and on the probe sequence too, so the device rather than the input is at fault: " + deviceFailure, deviceFailure);
            }
            deadLetter(batch.get(0).request, e);
            return 0;
        }
        long nanos = System.nanoTime() - started;
        metrics.batch(nanos);
        long millis = nanos / 1_000_000;
        String topic = catalogue.teacherLogits().name();
        int partitions = producer.partitionsFor(topic).size();
        SequenceChunker chunker = new SequenceChunker(config.maxRecordBytes());
        long sent = 0;
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            List<TeacherLogits> records;
            try {
                records = TeacherLogitsRecords.build(pending.prompt, pending.example, entries.get(i), valueKind(), teacher.identity(),
                        tokenizer.fingerprint(), millis / batch.size(), teacher.device(), chunker);
            } catch (RuntimeException unencodable) { // e.g. a NaN logit: this sequence's problem, not the batch's
                deadLetter(pending.request, unencodable);
                continue;
            }
            for (TeacherLogits logits : records) {
                producer.send(new ProducerRecord<>(topic, ChunkKeys.partitionOf(logits, partitions), ChunkKeys.keyOf(logits).getBytes(StandardCharsets.UTF_8),
                        catalogue.teacherLogits().valueSerde().serializer().serialize(topic, logits)));
            }
            sent++;
        }
        return sent;
    }

    /** What the batch's records hold, a sequence each: its top-K in the configured encoding, or RS-KD's draws. */
    private List<EncodablePositions> score(List<Pending> batch) {
        List<int[]> sequences = batch.stream().map(p -> p.example.tokens()).toList();
        int vocabularySize = teacher.vocabularySize();
        if (config.sampled() != null) {
            List<String> promptIds = batch.stream().map(p -> p.prompt.getId()).toList();
            return ((SamplingTeacher) teacher).sample(sequences, promptIds, config.sampled()).stream()
                    .map(drawn -> (EncodablePositions) config.sampled().sequence(drawn, vocabularySize)).toList();
        }
        return teacher.topK(sequences, config.topK()).stream()
                .map(topK -> TeacherLogitsRecords.topK(topK, teacher.valueKind(), vocabularySize, config.encoding())).toList();
    }

    /** Sampled records decode to log-probability estimates; a top-K is what the teacher gives. */
    private ValueKind valueKind() {
        return config.sampled() != null ? ValueKind.LOG_PROBS : teacher.valueKind();
    }

    /** Null when the teacher scores the {@link #probe} sequence; otherwise its error. An unreachable teacher pauses. */
    private RuntimeException probeFailure() {
        try {
            teacher.topK(List.of(probe), config.topK());
            return null;
        } catch (TeacherUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** While the teacher or the registry is away, nothing is read. */
    private boolean waiting() {
        return paused || registryWait.waiting();
    }

    /** Asks whatever is away whether it answers again, and resumes the partitions once both do. */
    private void checkWaits() {
        if (paused) {
            checkTeacher();
        }
        if (registryWait.waiting()) {
            registryWait.over();
        }
        if (!waiting()) {
            consumer.resume(consumer.paused());
        }
    }

    /** While paused: asks the teacher, less often the longer it stays away. */
    private void checkTeacher() {
        if (System.nanoTime() < nextAvailabilityCheck) {
            return;
        }
        if (teacher.available()) {
            log.info("{}: the teacher answers again; resuming", name());
            paused = false;
            return;
        }
        availabilityWait = availabilityWait.multipliedBy(2).compareTo(MAX_AVAILABILITY_WAIT) > 0 ? MAX_AVAILABILITY_WAIT : availabilityWait.multipliedBy(2);
        nextAvailabilityCheck = System.nanoTime() + availabilityWait.toNanos();
    }

    /** True while the teacher cannot be reached and the worker's partitions are paused. */
    public boolean paused() {
        return paused;
    }

    /** After an abort, read the batch again from its first offsets. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** Sequences this worker has published in committed transactions. */
    public long published() {
        return published.get();
    }

    public String teacherFingerprint() {
        return teacher == null ? null : teacher.identity().getFingerprint();
    }


    /** Names this service's principal when the cluster refuses it a read. */
    @Override
    protected Map<String, ?> clientProperties() {
        return config.settings().clientProperties();
    }

    @Override
    protected void release() {
        // Leave the group on a graceful stop, so scaling down rebalances at once even with static membership.
        Resources.closeAll(name(), metrics, KafkaClients.leavingGroup(consumer), producer, teacher);
    }

    private record Pending(ConsumerRecord<byte[], byte[]> request, Prompt prompt, TokenizedExample example) {
    }

    /** Runs one worker; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link TeacherWorkerConfig}). */
    public static void main(String[] args) throws InterruptedException {
        String instance = args.length > 0 ? args[0] : InstanceIds.ofThisHost();
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new TeacherWorker(TeacherWorkerConfig.from(settings), instance), settings);
    }
}
