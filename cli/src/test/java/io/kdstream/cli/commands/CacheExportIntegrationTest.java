package io.kdstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdstream.cli.Kdstream;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKExtractor;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.logits.TopKSequence;
import io.kdstream.schemas.logits.chunks.ChunkAssembler;
import io.kdstream.schemas.logits.chunks.ChunkKeys;
import io.kdstream.schemas.logits.chunks.SequenceChunker;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingConfig;
import io.kdstream.trainer.training.TrainingExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kdstream cache export} writes what NeMo-Aligner's and axolotl's trainers read: the renormalised KD loss,
 * recomputed here from each exported file alone with the student's logits, is the loss kdstream's trainer computes on
 * the same cached records.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class CacheExportIntegrationTest {

    private static final String TEACHER = "export-teacher";
    private static final int K = 4;
    private static final TransformerConfig SHAPE = new TransformerConfig(100, 32, 32, 2, 2, 64);
    private static final List<String[]> PAIRS = List.of(new String[] {"What is 3+4?", "7 #### 7"},
            new String[] {"What is 12-5?", "7 #### 7"}, new String[] {"Name a prime.", "13"});

    @Test
    void shouldExportWhatTheTrainersOutsideJavaComputeTheTrainersLossFrom(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Map<String, Object> client = Settings.of(Map.of("bootstrap.servers", platform.bootstrapServers(),
                "schema.registry.url", platform.schemaRegistryUrl())).clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        List<TeacherLogits> records = teacherRecords();
        produce(client, catalogue, records);

        Path nemo = dir.resolve("nemo.jsonl");
        Path axolotl = dir.resolve("axolotl.jsonl");
        assertThat(export(platform, "nemo-aligner", nemo)).isZero();
        assertThat(export(platform, "axolotl", axolotl)).isZero();

        List<SequenceLogits> sequences = assembled(records);
        List<JsonNode> nemoLines = lines(nemo);
        List<JsonNode> axolotlLines = lines(axolotl);
        assertThat(nemoLines).hasSize(PAIRS.size()); // the other teacher's record is not exported
        assertThat(axolotlLines).hasSize(PAIRS.size());

        try (DecoderLanguageModel student = DecoderLanguageModel.create(SHAPE, 11)) {
            Map<List<Integer>, float[][]> studentLogits = new HashMap<>();
            for (SequenceLogits sequence : sequences) {
                studentLogits.put(boxed(sequence.tokens()), logits(student, sequence.tokens()));
            }
            double fromNemo = nemoKd(nemoLines, studentLogits);
            double fromAxolotl = axolotlKd(axolotlLines, studentLogits);

            double trainers;
            try (StudentOptimizer optimizer = new StudentOptimizer(student, TrainingConfig.defaults().toBuilder().trainingTopK(K).build())) {
                StepMetrics step = optimizer.step(sequences.stream().map(s -> new TrainingExample(s.tokens(), s.lossMask(),
                        s.ids(), s.values(), s.logSumExp(), s.k())).toList());
                trainers = step.kdLoss();
            }

            assertThat(trainers).isGreaterThan(0.01);
            assertThat(fromNemo).isCloseTo(trainers, offset(1e-4 * trainers));
            assertThat(fromAxolotl).isCloseTo(trainers, offset(1e-4 * trainers));
        }
    }

    /** NeMo-Aligner's loss: log-softmax over the K teacher logits and over the student's logits at their ids. */
    private static double nemoKd(List<JsonNode> lines, Map<List<Integer>, float[][]> studentLogits) {
        double sum = 0;
        long positions = 0;
        for (JsonNode line : lines) {
            List<Integer> tokens = new ArrayList<>();
            line.get("tokens").forEach(t -> tokens.add(t.asInt()));
            tokens.add(line.get("labels").get(tokens.size() - 1).asInt());
            float[][] student = studentLogits.get(tokens);
            assertThat(student).as("exported tokens are a cached sequence's").isNotNull();
            for (int p = 0; p < line.get("loss_mask").size(); p++) {
                if (line.get("loss_mask").get(p).asInt() == 0) {
                    continue;
                }
                double[] teacher = logSoftmax(doubles(line.get("topk_logits").get(p)));
                double[] gathered = new double[K];
                for (int r = 0; r < K; r++) {
                    gathered[r] = student[p][line.get("topk_token_ids").get(p).get(r).asInt()];
                }
                sum += forwardKl(teacher, logSoftmax(gathered));
                positions++;
            }
        }
        return sum / positions;
    }

    /** axolotl's loss: entry i is the teacher's renormalised distribution over token i, scored by position i - 1. */
    private static double axolotlKd(List<JsonNode> lines, Map<List<Integer>, float[][]> studentLogits) {
        double sum = 0;
        long positions = 0;
        for (JsonNode line : lines) {
            List<Integer> tokens = new ArrayList<>();
            line.get("input_ids").forEach(t -> tokens.add(t.asInt()));
            float[][] student = studentLogits.get(tokens);
            assertThat(student).as("exported tokens are a cached sequence's").isNotNull();
            for (int i = 1; i < tokens.size(); i++) {
                if (line.get("target_mask").get(i).get(0).asInt() == 0) {
                    assertThat(line.get("labels").get(i).asInt()).isEqualTo(-100);
                    continue;
                }
                assertThat(line.get("labels").get(i).asInt()).isEqualTo(tokens.get(i));
                double[] teacher = doubles(line.get("target_logprobs").get(i));
                double[] gathered = new double[K];
                for (int r = 0; r < K; r++) {
                    gathered[r] = student[i - 1][line.get("target_token_ids").get(i).get(r).asInt()];
                }
                sum += forwardKl(teacher, logSoftmax(gathered));
                positions++;
            }
        }
        return sum / positions;
    }

    private static double forwardKl(double[] teacherLogProbs, double[] studentLogProbs) {
        double kl = 0;
        for (int r = 0; r < teacherLogProbs.length; r++) {
            kl += Math.exp(teacherLogProbs[r]) * (teacherLogProbs[r] - studentLogProbs[r]);
        }
        return kl;
    }

    private static double[] logSoftmax(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : values) {
            sum += Math.exp(v - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] - log;
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** One sequence of char-tokenizer ids through a real teacher: logits (positions, vocabulary). */
    private static float[][] logits(DecoderLanguageModel model, int[] tokens) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray input = scope.create(tokens, new Shape(1, tokens.length));
            float[] flat = model.logits(scope, input, false).toFloatArray();
            int vocabulary = SHAPE.vocabularySize();
            float[][] out = new float[tokens.length][];
            for (int t = 0; t < tokens.length; t++) {
                out[t] = Arrays.copyOfRange(flat, t * vocabulary, (t + 1) * vocabulary);
            }
            return out;
        }
    }

    /**
     * What teacher workers publish for the pairs: a real (untrained) teacher's top-K, one record in float32, one
     * chunked, one packed; and one record of another teacher, which the export must leave out.
     */
    private static List<TeacherLogits> teacherRecords() {
        CharTokenizer tokenizer = new CharTokenizer();
        List<TeacherLogits> records = new ArrayList<>();
        try (DecoderLanguageModel teacher = DecoderLanguageModel.create(SHAPE, 3);
             NDManager scope = teacher.manager().newSubManager()) {
            for (int i = 0; i < PAIRS.size(); i++) {
                TokenizedExample example = tokenizer.encodeExample(PAIRS.get(i)[0], PAIRS.get(i)[1]);
                int[] tokens = example.tokens();
                NDArray logits = teacher.logits(scope, scope.create(tokens, new Shape(1, tokens.length)), false)
                        .get("0, :-1, :");
                TopKLogits topK = TopKExtractor.extract(logits, K);
                SequenceChunker chunker = switch (i) {
                    case 0 -> new SequenceChunker(TopKEncoding.FLOAT32, 1 << 20);
                    case 1 -> new SequenceChunker(TopKEncoding.FLOAT32, 700);
                    default -> new SequenceChunker(TopKEncoding.PACKED, 1 << 20);
                };
                List<TeacherLogits> chunks = chunker.split(header("prompt-" + i, TEACHER), tokens, example.lossMask(),
                        new TopKSequence(K, SHAPE.vocabularySize(), topK.ids(), topK.values(), topK.logSumExp()));
                if (i == 1) {
                    assertThat(chunks).as("the second sequence is chunked").hasSizeGreaterThan(1);
                }
                records.addAll(chunks);
                if (i == 0) {
                    records.addAll(new SequenceChunker(TopKEncoding.FLOAT32, 1 << 20).split(header("prompt-0", "another-teacher"),
                            tokens, example.lossMask(), new TopKSequence(K, SHAPE.vocabularySize(), topK.ids(), topK.values(), topK.logSumExp())));
                }
            }
        }
        return records;
    }

    private static TeacherLogits.Builder header(String promptId, String teacher) {
        return TeacherLogits.newBuilder().setPromptId(promptId).setDataset("math").setSplit(Split.TRAIN)
                .setTeacher(new TeacherIdentity("m", "1", teacher)).setTokenizerFingerprint(new CharTokenizer().fingerprint())
                .setK(K).setValueKind(ValueKind.RAW_LOGITS).setTemperature(1f).setComputationId(promptId.hashCode())
                .setCreatedAt(Instant.now());
    }

    private static List<SequenceLogits> assembled(List<TeacherLogits> records) {
        ChunkAssembler assembler = new ChunkAssembler();
        return records.stream().filter(r -> r.getTeacher().getFingerprint().equals(TEACHER))
                .map(assembler::accept).flatMap(Optional::stream).toList();
    }

    private static void produce(Map<String, Object> client, TopicCatalogue catalogue, List<TeacherLogits> records) throws Exception {
        try (KafkaProducer<String, TeacherLogits> producer = KafkaClients.producer(client, catalogue.teacherLogits(), "export-test")) {
            for (TeacherLogits record : records) {
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_LOGITS.name(), ChunkKeys.keyOf(record), record)).get();
            }
        }
    }

    private static int export(EmbeddedPlatform platform, String format, Path out) {
        return new CommandLine(new Kdstream()).execute("cache", "export", "--teacher", TEACHER, "--format", format,
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry-url", platform.schemaRegistryUrl(),
                out.toString());
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    private static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
