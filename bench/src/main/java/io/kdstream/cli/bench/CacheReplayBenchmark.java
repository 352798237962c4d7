package io.kdstream.cli.bench;

import io.kdstream.cli.progress.Progress;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.schemas.topics.TopicReader;
import io.kdstream.trainer.cache.CacheFeed;
import io.kdstream.trainer.cache.CacheIngest;
import io.kdstream.trainer.cache.DiskLogitCache;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * How fast the trainer rebuilds its local cache by replaying the logit topic, beside a plain consumer that reads the
 * same records and does nothing with them, in one run: the rebuild decodes and checks every record, assembles
 * chunks, writes checksummed shards and commits its position, exactly as {@code kdstream trainer --rebuild-cache}.
 */
final class CacheReplayBenchmark {

    static final String TEACHER = "bench-cache-teacher";
    private static final long SHARD_BYTES = 64L << 20;

    /**
     * One timed pass over the topic; {@code commitSeconds} of it making the written cache durable (fsync);
     * {@code cpuSeconds} the JVM's CPU time meanwhile (every thread: the reader's, the in-JVM broker's, the collector's).
     */
    record Pass(String reader, long records, long bytes, double seconds, double commitSeconds, double cpuSeconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / records;
        }
    }

    private final Settings settings;
    private final Path workDir;
    private final int k;

    CacheReplayBenchmark(Settings settings, Path workDir, int k) {
        this.settings = settings;
        this.workDir = workDir;
        this.k = k;
    }

    /** Fills the topic with {@code records} teacher records as a worker writes them (packed top-K, TRAIN split). */
    void fill(int records) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        CharTokenizer tokenizer = new CharTokenizer();
        MathProblemGenerator problems = new MathProblemGenerator(11);
        Map<String, Object> producerProperties = new HashMap<>(client);
        producerProperties.putIfAbsent("linger.ms", "10");
        producerProperties.putIfAbsent("batch.size", Integer.toString(256 << 10));
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(producerProperties, catalogue.teacherLogits(), "bench-cache");
             ProgressBar bar = Progress.bar("filling " + TopicCatalogue.TEACHER_LOGITS.name(), records, "records")) {
            for (int i = 0; i < records; i++) {
                MathProblemGenerator.MathProblem problem = problems.next();
                TokenizedExample example = tokenizer.encodeExample(problem.prompt(), problem.response());
                int positions = example.tokens().length - 1;
                TeacherLogits record = TopKEncoding.PACKED
                        .encode(SyntheticTeacher.topK(k, tokenizer.vocabularySize(), positions, i), 0, positions)
                        .applyTo(TeacherLogits.newBuilder())
                        .setPromptId("bench-" + i).setDataset(MathProblemGenerator.DATASET).setSplit(Split.TRAIN)
                        .setTeacher(new TeacherIdentity("bench", "1", TEACHER))
                        .setTokenizerFingerprint(tokenizer.fingerprint())
                        .setTokenIds(Arrays.stream(example.tokens()).boxed().toList())
                        .setLossMask(SequenceLogits.encodeMask(example.lossMask()))
                        .setK(k).setPositions(positions).setValueKind(ValueKind.RAW_LOGITS)
                        .setCreatedAt(Instant.now())
                        .build();
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), TopicCatalogue.teacherLogitsKey(TEACHER, record.getPromptId()), record));
                bar.step();
            }
            producer.flush();
        }
    }

    /** Reads every record of the topic as byte arrays (Kafka's usual consumer) and does nothing with them. */
    Pass plainConsumer() {
        return consume("plain consumer", KafkaClients.rawConsumer(settings.clientProperties(), null, "bench-plain"), value -> { });
    }

    /** Reads every record with its value as a view of the fetched bytes, as the rebuild's consumer does; nothing else. */
    Pass viewConsumer() {
        return consume("plain consumer (views)", KafkaClients.viewConsumer(settings.clientProperties(), null, "bench-views"), value -> { });
    }

    /** Reads every record and decodes each value with the topic's serde, as a consumer of {@code TeacherLogits} records does. */
    Pass decodingConsumer() {
        Deserializer<TeacherLogits> values = new TopicCatalogue(settings.clientProperties()).teacherLogits().valueSerde().deserializer();
        return consume("decoding consumer", KafkaClients.rawConsumer(settings.clientProperties(), null, "bench-decoding"), value -> {
            if (values.deserialize(TopicCatalogue.TEACHER_LOGITS.name(), value).getK() != k) {
                throw new IllegalStateException("a record is not one the benchmark wrote");
            }
        });
    }

    /** One timed pass of {@code consumer} over every record of the topic, handing each value to {@code perValue}. */
    private <V> Pass consume(String reader, KafkaConsumer<byte[], V> consumer, Consumer<V> perValue) {
        try (TopicReader<V> topic = new TopicReader<>(consumer, TopicCatalogue.TEACHER_LOGITS.name())) {
            long started = System.nanoTime();
            long cpuStarted = processCpuNanos();
            long[] bytes = {0};
            long records = topic.readToEnd(record -> {
                bytes[0] += record.serializedValueSize();
                perValue.accept(record.value());
            });
            return new Pass(reader, records, bytes[0], (System.nanoTime() - started) / 1e9, 0, (processCpuNanos() - cpuStarted) / 1e9);
        }
    }

    /** Rebuilds a local cache from the beginning of the topic, as the trainer does. */
    Pass rebuild(int round) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicCatalogue catalogue = new TopicCatalogue(client);
        CharTokenizer tokenizer = new CharTokenizer();
        Path directory = workDir.resolve("cache-" + round);
        try (DiskLogitCache cache = DiskLogitCache.rebuild(directory, SHARD_BYTES, tokenizer.fingerprint());
             DeadLetters deadLetters = new DeadLetters("bench-cache", client, catalogue.deadLetter());
             KafkaConsumer<byte[], ByteBuffer> consumer = KafkaClients.viewConsumer(client, null, "bench-rebuild")) {
            cache.pinTeacher(TEACHER);
            long started = System.nanoTime();
            long cpuStarted = processCpuNanos();
            CacheIngest ingest = new CacheIngest(cache, catalogue.teacherLogitsSummaries(), tokenizer.fingerprint(), k, deadLetters);
            long records = new CacheFeed(consumer, catalogue.teacherLogits().name(), cache, ingest).catchUp(read -> { });
            long read = System.nanoTime();
            cache.commit();
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStarted) / 1e9;
            double commitSeconds = (System.nanoTime() - read) / 1e9;
            if (ingest.deadLettered() > 0 || cache.liveCount() == 0) {
                throw new IllegalStateException("the rebuild cached " + cache.liveCount() + " sequences and dead-lettered "
                        + ingest.deadLettered() + " records: the benchmark's records are not what a trainer can use");
            }
            return new Pass("trainer cache rebuild", records, cache.bytes(), seconds, commitSeconds, cpuSeconds);
        } finally {
            deleteCache(directory);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A round's cache is scratch (a trainer keeps one cache): its flat directory of shards goes once measured. */
    private static void deleteCache(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }
}
