package io.kdstream.cli.demo;

import io.kdstream.cli.teacher.TeacherRecipe;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.BitPackedIds;
import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.serde.WireFormat;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.sft.SupervisedTraining;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton end to end on a real broker and registry: N prompts in, N teacher logit records, at
 * least one checkpoint, one evaluation per checkpoint, and records any Avro reader can decode with the registry's
 * schema alone. Subclasses say which broker and registry: the embedded platform in every build
 * ({@link PipelineIntegrationTest}), containers where Docker runs (cli's deploy tests).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PipelineScenario {

    private static final int TRAIN = 48;
    private static final int TEST = 12;

    // static: JUnit fills static @TempDir fields before @BeforeAll, instance ones only before each test
    @TempDir
    static Path workDir;

    private DemoPipeline.Outcome outcome;
    private Settings settings;

    /** The Kafka cluster and schema registry to run against: at least bootstrap servers and the registry URL. */
    protected abstract Settings platform();

    /** What each service's clients set beyond {@link #platform()}: nothing, unless the cluster has a principal per service. */
    protected Map<String, String> serviceClients(String service) {
        return Map.of();
    }

    @BeforeAll
    void runThePipeline() throws Exception {
        settings = platform();
        // A teacher of the real architecture, barely trained: this test checks the plumbing, not accuracy.
        TeacherRecipe recipe = new TeacherRecipe(5, 3);
        Path teacher = workDir.resolve("teacher.ckpt");
        SupervisedTraining.train(recipe.architecture(), List.of(new SupervisedTraining.Example("What is 1+1?", "2 #### 2")),
                recipe.training(), 5, teacher, metrics -> { });
        DemoOptions options = new DemoOptions(TRAIN, TEST, teacher, 5, 20, 10, 2, workDir, false);
        outcome = new DemoPipeline(settings, options, this::serviceClients).run();
    }

    private TopicCatalogue catalogue() {
        return new TopicCatalogue(settings.clientProperties());
    }

    @Test
    public void shouldPublishOneTeacherLogitsRecordPerPrompt() {
        // the topics may hold other tests' prompts too, which this teacher caches as well: look at the demo's own
        Set<String> ownKeys = outcome.promptIds().stream()
                .map(prompt -> LogitsKey.of(outcome.teacherFingerprint(), prompt)).collect(Collectors.toSet());
        List<ConsumerRecord<String, TeacherLogits>> logits = TopicSnapshot.read(settings.clientProperties(), TopicCatalogue.TEACHER_LOGITS.name(),
                        new StringDeserializer(), catalogue().teacherLogits().valueSerde().deserializer(), TRAIN + TEST, Duration.ofSeconds(30))
                .stream().filter(record -> ownKeys.contains(record.key())).toList();

        Set<String> keys = logits.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
        assertThat(outcome.promptsSent()).isEqualTo(TRAIN + TEST);
        assertThat(keys).hasSize(TRAIN + TEST);
        assertThat(logits).allSatisfy(record -> {
            TeacherLogits value = record.value();
            assertThat(value.getTeacher().getFingerprint()).isEqualTo(outcome.teacherFingerprint());
            assertThat(value.getPositions()).isEqualTo(value.getTokenIds().size() - 1);
            // the default packed encoding: 7-bit ids for the 100-token vocabulary, one byte a value
            assertThat(value.getTopkIds().remaining()).isEqualTo(BitPackedIds.bytesFor((long) value.getPositions() * value.getK(), 7));
        });
    }

    @Test
    public void shouldEvaluateEveryCheckpointOnce() {
        List<CheckpointEvent> checkpoints = TopicSnapshot.read(settings.clientProperties(), TopicCatalogue.CHECKPOINTS.name(),
                        new StringDeserializer(), catalogue().checkpoints().valueSerde().deserializer(), 2, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).filter(event -> event.getRunId().equals(outcome.runId())).toList();

        assertThat(checkpoints).extracting(CheckpointEvent::getStep).containsExactly(10L, 20L);
        assertThat(checkpoints).allSatisfy(event -> assertThat(event.getSha256()).hasSize(64));
        assertThat(outcome.evaluations()).extracting(EvalResult::getStep).containsExactly(10L, 20L);
        assertThat(outcome.evaluations()).allSatisfy(result -> {
            assertThat(result.getStatus()).isEqualTo(EvalStatus.OK);
            assertThat(result.getExamples()).isEqualTo(TEST);
            assertThat(result.getExactMatch()).isBetween(0.0, 1.0);
            assertThat(result.getAnswerCrossEntropy()).isPositive();
        });
    }

    @Test
    public void shouldDecodeALogitRecordWithAPlainAvroReaderAndTheRegistrysSchema() throws Exception {
        // this pipeline's teacher's record (packed): other tests in this JVM share the platform and write other encodings
        String ownKeys = outcome.teacherFingerprint() + "/";
        ConsumerRecord<byte[], byte[]> record = TopicSnapshot.read(settings.clientProperties(), TopicCatalogue.TEACHER_LOGITS.name(),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer(), TRAIN + TEST, Duration.ofSeconds(30)).stream()
                .filter(r -> r.value() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(ownKeys))
                .findFirst().orElseThrow(() -> new AssertionError("no record of teacher " + outcome.teacherFingerprint()));

        int schemaId = WireFormat.schemaId(record.value());
        // with the platform's registry credentials, if it has any (the secured platform's registry wants them)
        Schema writerSchema = new SchemaRegistryClient(RegistryEndpoint.from(settings.clientProperties())).schemaById(schemaId);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writerSchema).read(null,
                DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));

        assertThat(decoded.get("promptId").toString()).isNotBlank();
        int positions = (Integer) decoded.get("positions");
        int k = (Integer) decoded.get("k");
        assertThat(((ByteBuffer) decoded.get("topkValues")).remaining()).isEqualTo(positions * k);
        assertThat(new String(record.key())).startsWith(((GenericRecord) decoded.get("teacher")).get("fingerprint") + "/");
    }
}
