package io.kdstream.trainer.service;

import ai.djl.nn.ParameterList;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.CheckpointEvent;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run stopped twice (as SIGTERM stops it) and resumed, once from a corrupt newest checkpoint, ends where the same
 * run ends uninterrupted: same losses at the shared checkpoints, same final weights.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerResumeIntegrationTest {

    private static final String TEACHER = "teacher-resume";
    private static final int STEPS = 60;
    private static final int EVERY = 15;

    @Test
    void shouldEndWhereTheUninterruptedRunEndsAfterStopsAndACorruptCheckpoint(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings base = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.trainer.steps", Integer.toString(STEPS)),
                Map.entry("kdstream.trainer.checkpoint.every", Integer.toString(EVERY)),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.toString()),
                // one cache for both runs: the same data, in the same order
                Map.entry("kdstream.trainer.cache.dir", dir.resolve("cache").toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", TEACHER),
                Map.entry("kdstream.trainer.min.examples", "24"),
                Map.entry("kdstream.trainer.batch.size", "4"),
                Map.entry("kdstream.trainer.shuffle.buffer", "8"),
                Map.entry("kdstream.trainer.topk", Integer.toString(TeacherRecords.K))));
        Map<String, Object> client = base.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        String tokenizer = new CharTokenizer().fingerprint();
        Random random = new Random(3);
        List<TeacherLogits> records = IntStream.range(0, 24)
                .mapToObj(i -> TeacherRecords.record("resume-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList();
        TeacherRecords.produce(client, catalogue, records);

        TrainerService uninterrupted = new TrainerService(TrainerConfig.from(base.with(Map.of("kdstream.trainer.run.id", "uninterrupted"))));
        uninterrupted.start();
        uninterrupted.awaitTermination();
        assertThat(uninterrupted.failure()).isNull();

        Settings interrupted = base.with(Map.of("kdstream.trainer.run.id", "interrupted"));
        long firstStop = runUntilStopped(interrupted, 18);
        assertThat(dir.resolve("interrupted").resolve(String.format("step-%08d.state", firstStop))).exists();
        TrainerService second = new TrainerService(TrainerConfig.from(interrupted));
        second.start();
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(60)).until(() -> second.progress().step() >= firstStop + 12 || second.isStopped());
        second.close();
        assertThat(second.failure()).isNull();
        assertThat(second.progress().resumedFromStep()).isEqualTo(firstStop);
        long secondStop = second.progress().step();
        assertThat(secondStop).isLessThan(STEPS);

        Path newest = dir.resolve("interrupted").resolve(String.format("step-%08d.state", secondStop));
        CheckpointFiles.flipLastByte(newest);
        long expectedResume = CheckpointFiles.stateSteps(dir.resolve("interrupted")).filter(step -> step != secondStop).max().orElseThrow();
        TrainerService third = new TrainerService(TrainerConfig.from(interrupted));
        third.start();
        third.awaitTermination();
        assertThat(third.failure()).isNull();
        assertThat(third.progress().resumedFromStep()).isEqualTo(expectedResume);
        assertThat(third.progress().refusedCheckpoints()).isEqualTo(1);
        assertThat(third.progress().step()).isEqualTo(STEPS);
        // the meters are the last service's, not the stopped ones' (a registry keeps a meter once registered)
        assertThat(Observability.registry().get("kdstream.trainer.steps").tag("run", "interrupted").counter().count())
                .isEqualTo((double) (STEPS - expectedResume));
        assertThat(Observability.registry().get("kdstream.trainer.checkpoints.refused").tag("run", "interrupted").functionCounter().count())
                .isEqualTo(1.0);

        List<CheckpointEvent> events = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(),
                        catalogue.checkpoints().keySerde().deserializer(), catalogue.checkpoints().valueSerde().deserializer(), 4, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();
        Map<Long, CheckpointEvent> reference = new java.util.HashMap<>();
        Map<Long, CheckpointEvent> resumed = new java.util.HashMap<>();
        for (CheckpointEvent event : events) {
            if (event.getRunId().equals("uninterrupted")) {
                reference.put(event.getStep(), event);
            } else if (event.getRunId().equals("interrupted") && event.getStep() > expectedResume) {
                resumed.put(event.getStep(), event); // the last run's events replace the earlier runs'
            }
        }
        assertThat(reference).containsOnlyKeys(15L, 30L, 45L, 60L);
        assertThat(resumed).containsKey(60L);
        for (long step : resumed.keySet()) {
            if (reference.containsKey(step)) {
                assertThat(resumed.get(step).getMetrics().getTotalLoss()).as("loss at step %d", step)
                        .isCloseTo(reference.get(step).getMetrics().getTotalLoss(), org.assertj.core.data.Offset.offset(1e-5));
                assertThat(resumed.get(step).getTokensSeen()).isEqualTo(reference.get(step).getTokensSeen());
            }
        }
        assertSameWeights(reference.get(60L), resumed.get(60L), tokenizer);
    }

    /** Starts a run and stops it (as SIGTERM does) once it has passed {@code step}; returns the step it stopped at. */
    private static long runUntilStopped(Settings settings, long step) throws Exception {
        TrainerService trainer = new TrainerService(TrainerConfig.from(settings));
        trainer.start();
        await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(60)).until(() -> trainer.progress().step() >= step || trainer.isStopped());
        trainer.close();
        assertThat(trainer.failure()).isNull();
        long stopped = trainer.progress().step();
        assertThat(stopped).isBetween(step, (long) STEPS - 1);
        return stopped;
    }

    private static void assertSameWeights(CheckpointEvent expected, CheckpointEvent actual, String tokenizer) throws Exception {
        try (LoadedCheckpoint a = CheckpointFile.read(Path.of(java.net.URI.create(expected.getUri())), expected.getSha256(), tokenizer);
             LoadedCheckpoint b = CheckpointFile.read(Path.of(java.net.URI.create(actual.getUri())), actual.getSha256(), tokenizer)) {
            ParameterList left = a.model().block().getParameters();
            ParameterList right = b.model().block().getParameters();
            assertThat(right.size()).isEqualTo(left.size());
            List<String> different = new ArrayList<>();
            for (int i = 0; i < left.size(); i++) {
                float[] x = left.get(i).getValue().getArray().toFloatArray();
                float[] y = right.get(i).getValue().getArray().toFloatArray();
                for (int j = 0; j < x.length; j++) {
                    if (Math.abs(x[j] - y[j]) > 1e-6f) {
                        different.add(left.get(i).getKey() + "[" + j + "]: " + x[j] + " vs " + y[j]);
                        break;
                    }
                }
            }
            assertThat(different).isEmpty();
        }
    }
}
