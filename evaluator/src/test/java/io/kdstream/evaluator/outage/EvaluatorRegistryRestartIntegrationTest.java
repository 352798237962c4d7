package io.kdstream.evaluator.outage;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.leaderboard.EvalPoint;
import io.kdstream.evaluator.leaderboard.EvalResults;
import io.kdstream.evaluator.web.Leaderboard;
import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.evaluator.service.EvaluatorService;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedKafkaBroker;
import io.kdstream.platform.embedded.EmbeddedSchemaRegistry;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.evaluator.testing.CheckpointEvents;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.EvalResult;
import io.kdstream.schemas.avro.EvalStatus;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.registry.SchemaRegistryClient;
import io.kdstream.schemas.testing.EvolvedSchemas;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.kdstream.schemas.testing.OutageProbes.deadLetterKeys;
import static io.kdstream.schemas.testing.OutageProbes.rawProducer;
import static io.kdstream.schemas.testing.OutageProbes.counted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schema registry stopped and restarted (same port, same H2 files) while the evaluator and the leaderboard run:
 * a held-out prompt, two checkpoint announcements and two evaluations of a schema id neither has met (compatible new
 * versions, registered before the outage) arrive while it is down. Both wait, then score and rank every one, the new
 * prompt among the examples; nothing is dead-lettered or scored as failed. Prints a row for RELIABILITY.md
 * ({@code registry-restart-evaluator | ...}). Its own broker and registry.
 */
class EvaluatorRegistryRestartIntegrationTest {

    private static final String RUN = "registry-outage-run";
    private static final String OTHER_RUN = "registry-outage-other";

    @Test
    void shouldWaitForTheRegistryThenScoreAndRankEveryRecordOfAnUncachedSchemaId(@TempDir Path dir) throws Exception {
        CharTokenizer tokenizer = new CharTokenizer();
        Path checkpoint = dir.resolve("student.ckpt");
        String sha;
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 3)) {
            sha = CheckpointFile.write(checkpoint, student, tokenizer.fingerprint(), Map.of());
        }
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(KdstreamHome.path(), Files.createDirectories(dir.resolve("registry")));
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Files.createDirectories(dir.resolve("kafka")), true)) {
            Settings settings = Settings.of(Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "schema.registry.url", registry.url(),
                    "kdstream.evaluator.max.new.tokens", "8",
                    "application.id", "leaderboard-registry-outage",
                    "state.dir", dir.resolve("state").toString(),
                    "num.stream.threads", "1",
                    "commit.interval.ms", "100",
                    "statestore.cache.max.bytes", "0",
                    "kdstream.leaderboard.port", "0"));
            Map<String, Object> client = settings.clientProperties();
            TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
            TopicCatalogue catalogue = new TopicCatalogue(client);
            try (KafkaProducer<String, Prompt> prompts = KafkaClients.producer(client, catalogue.prompts(), "test");
                 KafkaProducer<String, CheckpointEvent> events = KafkaClients.producer(client, catalogue.checkpoints(), "test")) {
                for (int i = 0; i < 3; i++) {
                    prompts.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), "q" + i, prompt(i))).get();
                }
                events.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), RUN + "/1", event(1, checkpoint, sha))).get();
            }
            // a bad announcement, dead-lettered before the outage: dead-lettering then needs no registry (else a good
            // record's dead letter would fail for the registry too, and hide the fault)
            try (KafkaProducer<byte[], byte[]> raw = rawProducer(broker.bootstrapServers())) {
                raw.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), utf8("bad"), utf8("not avro"))).get();
            }
            // compatible new versions, registered now: neither service has met their ids
            SchemaRegistryClient registryClient = new SchemaRegistryClient(registry.url());
            int promptId = registryClient.register(TopicCatalogue.PROMPTS.name() + "-value", EvolvedSchemas.withOptionalField(Prompt.getClassSchema()));
            int eventId = registryClient.register(TopicCatalogue.CHECKPOINTS.name() + "-value", EvolvedSchemas.withOptionalField(CheckpointEvent.getClassSchema()));
            int evalId = registryClient.register(TopicCatalogue.EVALS.name() + "-value", EvolvedSchemas.withOptionalField(EvalResult.getClassSchema()));
            byte[] newPrompt = EvolvedSchemas.encodedUnder(promptId, catalogue.prompts().valueSerde().serializer().serialize(TopicCatalogue.PROMPTS.name(), prompt(3)));
            List<byte[]> newEvents = List.of(2L, 3L).stream().map(step -> EvolvedSchemas.encodedUnder(eventId,
                    catalogue.checkpoints().valueSerde().serializer().serialize(TopicCatalogue.CHECKPOINTS.name(), event(step, checkpoint, sha)))).toList();
            List<EvalResult> otherRun = List.of(EvalResults.ok(OTHER_RUN, 100, 0.25), EvalResults.ok(OTHER_RUN, 200, 0.5));
            List<byte[]> newEvals = otherRun.stream().map(result -> EvolvedSchemas.encodedUnder(evalId,
                    catalogue.evals().valueSerde().serializer().serialize(TopicCatalogue.EVALS.name(), result))).toList();

            EvaluatorService evaluator = new EvaluatorService(EvaluatorConfig.from(settings));
            Leaderboard leaderboard = new Leaderboard(LeaderboardConfig.from(settings));
            double evaluatorWaitsBefore = counted("kdstream.registry.outages", EvaluatorService.SERVICE);
            double leaderboardWaitsBefore = counted("kdstream.registry.outages", leaderboard.name());
            long downMillis;
            long recoveryMillis;
            int ranked;
            int rankedOther;
            try {
                evaluator.start();
                leaderboard.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> (points(leaderboard, RUN) == 1 && deadLetterKeys(broker.bootstrapServers()).contains("bad"))
                        || evaluator.isStopped());

                long down = System.nanoTime();
                registry.stop();
                try (KafkaProducer<byte[], byte[]> raw = rawProducer(broker.bootstrapServers())) {
                    raw.send(new ProducerRecord<>(TopicCatalogue.PROMPTS.name(), utf8("q3"), newPrompt));
                    for (int i = 0; i < newEvents.size(); i++) {
                        raw.send(new ProducerRecord<>(TopicCatalogue.CHECKPOINTS.name(), utf8(RUN + "/" + (i + 2)), newEvents.get(i)));
                    }
                    for (int i = 0; i < newEvals.size(); i++) {
                        raw.send(new ProducerRecord<>(TopicCatalogue.EVALS.name(), utf8(EvalResults.key(otherRun.get(i))), newEvals.get(i)));
                    }
                    raw.flush();
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> (counted("kdstream.registry.outages", EvaluatorService.SERVICE) > evaluatorWaitsBefore
                        && counted("kdstream.registry.outages", leaderboard.name()) > leaderboardWaitsBefore) || evaluator.isStopped());
                registry.restart();
                downMillis = (System.nanoTime() - down) / 1_000_000;
                long up = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).until(() -> (points(leaderboard, RUN) == 3 && points(leaderboard, OTHER_RUN) == 2)
                        || evaluator.isStopped() || !leaderboard.isAlive());
                recoveryMillis = (System.nanoTime() - up) / 1_000_000;
                ranked = points(leaderboard, RUN);
                rankedOther = points(leaderboard, OTHER_RUN);
            } finally {
                evaluator.close();
                leaderboard.close();
            }

            List<EvalResult> results = TopicSnapshot.read(broker.bootstrapServers(), TopicCatalogue.EVALS.name(), new StringDeserializer(),
                            catalogue.evals().valueSerde().deserializer(), 0, Duration.ofSeconds(5)).stream()
                    .map(ConsumerRecord::value).filter(result -> result.getRunId().equals(RUN)).toList();
            long deadLettered = deadLetterKeys(broker.bootstrapServers()).stream().filter(key -> !key.equals("bad")).count();
            System.out.printf("registry-restart-evaluator | evaluator and leaderboard busy; registry stopped, 1 prompt, 2 checkpoint events"
                            + " and 2 evaluations of schema ids neither had cached sent, registry restarted | events in 3, scored %d"
                            + " (examples %s) | evaluations ranked: %d of %d, %d of %d | good records dead-lettered %d | registry down %d ms"
                            + " | all ranked %d ms after it answered | waits: evaluator %.0f, leaderboard %.0f | evaluator failure %s%n",
                    results.size(), results.stream().map(result -> result.getStep() + ":" + result.getExamples()).toList(),
                    ranked, 3, rankedOther, 2, deadLettered, downMillis, recoveryMillis,
                    counted("kdstream.registry.outages", EvaluatorService.SERVICE) - evaluatorWaitsBefore,
                    counted("kdstream.registry.outages", leaderboard.name()) - leaderboardWaitsBefore, evaluator.failure());

            assertThat(evaluator.failure()).isNull();
            assertThat(results).extracting(EvalResult::getStep, EvalResult::getStatus).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(1L, EvalStatus.OK),
                    org.assertj.core.groups.Tuple.tuple(2L, EvalStatus.OK),
                    org.assertj.core.groups.Tuple.tuple(3L, EvalStatus.OK));
            assertThat(results).filteredOn(result -> result.getStep() > 1).as("the prompt sent during the outage is held out too")
                    .allSatisfy(result -> assertThat(result.getExamples()).isEqualTo(4));
            assertThat(ranked).as("points of the evaluated run on the leaderboard").isEqualTo(3);
            assertThat(rankedOther).as("points of the run whose evaluations came during the outage").isEqualTo(2);
            assertThat(deadLettered).as("good records dead-lettered").isZero();
        }
    }

    /** The points of a run on the leaderboard, 0 while it has none or the store is not ready. */
    private static int points(Leaderboard leaderboard, String run) {
        try {
            Optional<RunStanding> standing = leaderboard.standings().stream().filter(s -> s.runId().equals(run)).findFirst();
            return standing.map(s -> (int) s.curve().stream().map(EvalPoint::step).distinct().count()).orElse(0);
        } catch (RuntimeException notReady) {
            return 0;
        }
    }

    private static Prompt prompt(int i) {
        return Prompt.newBuilder().setId("q" + i).setDataset("math").setSplit(Split.TEST)
                .setPrompt("What is " + i + "+1?").setResponse((i + 1) + " #### " + (i + 1)).setExpectedAnswer(Integer.toString(i + 1))
                .setSource("test").setCreatedAt(Instant.now()).build();
    }

    private static CheckpointEvent event(long step, Path file, String sha256) {
        return CheckpointEvents.of(RUN, step, file, sha256);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
