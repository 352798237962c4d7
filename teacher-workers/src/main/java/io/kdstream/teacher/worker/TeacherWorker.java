package io.kdstream.teacher.worker;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.Resources;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.TeacherWorkerConfig;
import io.kdstream.teacher.model.TeacherModel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A teacher worker: consumes teacher requests (prompts the cache router found uncached) as a member of the
 * teacher's consumer group, runs the teacher over
 * prompt + response, and publishes each sequence's top-K logits to the compacted logit cache, keyed by teacher
 * fingerprint and prompt id. Offsets are committed only after the logits are acknowledged (at least once;
 * re-delivered prompts rewrite the same key). Records it cannot use go to {@code kd.deadletter}.
 */
public final class TeacherWorker extends LoopService {

    private static final Logger log = LoggerFactory.getLogger(TeacherWorker.class);
    public static final String SERVICE = "kdstream-teacher-worker";

    private final TeacherWorkerConfig config;
    private final CharTokenizer tokenizer = new CharTokenizer();
    private final AtomicLong published = new AtomicLong();
    private TopicCatalogue catalogue;
    private TeacherModel teacher;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<String, TeacherLogits> producer;
    private DeadLetters deadLetters;

    public TeacherWorker(TeacherWorkerConfig config, String instanceId) {
        super(SERVICE + "-" + instanceId);
        this.config = config;
    }

    @Override
    protected void open() throws Exception {
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_REQUESTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        catalogue = new TopicCatalogue(client);
        teacher = TeacherModel.load(config.checkpoint(), config.modelId(), config.revision(), tokenizer);
        log.info("{} serves teacher {} (K={})", name(), teacher.identity().getFingerprint(), config.topK());
        producer = KafkaClients.producer(client, catalogue.teacherLogits(), name());
        deadLetters = new DeadLetters(SERVICE, client, catalogue.deadLetter());
        consumer = KafkaClients.rawConsumer(client, config.groupId(), name());
        consumer.subscribe(List.of(catalogue.teacherRequests().name()));
    }

    @Override
    protected boolean runOnce() throws Exception {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(Duration.ofMillis(500));
        } catch (WakeupException closing) {
            return false;
        }
        if (records.isEmpty()) {
            return true;
        }
        List<Pending> batch = new ArrayList<>();
        int batchTokens = 0;
        List<Future<?>> sends = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Pending pending = prepare(record);
            if (pending == null) {
                continue;
            }
            if (!batch.isEmpty() && batchTokens + pending.example.tokens().length > config.batchTokens()) {
                sends.addAll(process(batch));
                batch.clear();
                batchTokens = 0;
            }
            batch.add(pending);
            batchTokens += pending.example.tokens().length;
        }
        if (!batch.isEmpty()) {
            sends.addAll(process(batch));
        }
        for (Future<?> send : sends) {
            send.get();
        }
        consumer.commitSync(nextOffsets(records));
        return true;
    }

    /** Decodes and tokenises one prompt; a record that cannot be used becomes a dead letter and null. */
    private Pending prepare(ConsumerRecord<byte[], byte[]> record) {
        try {
            Prompt prompt = catalogue.teacherRequests().valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (prompt.getResponse() == null) {
                throw new IllegalArgumentException("prompt " + prompt.getId() + " has no response to score");
            }
            TokenizedExample example = tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse());
            if (example.tokens().length > teacher.contextLength()) {
                throw new IllegalArgumentException("prompt " + prompt.getId() + " is " + example.tokens().length
                        + " tokens, longer than the teacher's context of " + teacher.contextLength());
            }
            return new Pending(prompt, example);
        } catch (RuntimeException e) {
            deadLetters.publish(record, e);
            return null;
        }
    }

    private List<Future<?>> process(List<Pending> batch) {
        long started = System.nanoTime();
        List<TopKLogits> topK = teacher.topK(batch.stream().map(p -> p.example.tokens()).toList(), config.topK());
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<Future<?>> sends = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            TeacherLogits logits = TeacherLogitsRecords.build(pending.prompt, pending.example, topK.get(i), teacher.identity(),
                    tokenizer.fingerprint(), teacher.vocabularySize(), millis / batch.size());
            String key = TopicCatalogue.teacherLogitsKey(teacher.identity().getFingerprint(), pending.prompt.getId());
            sends.add(producer.send(new ProducerRecord<>(catalogue.teacherLogits().name(), key, logits)));
        }
        published.addAndGet(batch.size());
        return sends;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** Sequences published by this worker so far. */
    public long published() {
        return published.get();
    }

    public String teacherFingerprint() {
        return teacher == null ? null : teacher.identity().getFingerprint();
    }

    @Override
    protected void wakeup() {
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    protected void release() {
        Resources.closeAll(name(), consumer, producer, deadLetters, teacher);
    }

    private record Pending(Prompt prompt, TokenizedExample example) {
    }

    /** Runs one worker; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link TeacherWorkerConfig}). */
    public static void main(String[] args) throws InterruptedException {
        String instance = args.length > 0 ? args[0] : Long.toString(ProcessHandle.current().pid());
        ServiceRunner.runUntilStopped(new TeacherWorker(TeacherWorkerConfig.from(Settings.fromProcessEnvironment()), instance));
    }
}
