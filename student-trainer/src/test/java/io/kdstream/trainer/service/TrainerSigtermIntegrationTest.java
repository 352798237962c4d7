package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.JvmProcess;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A trainer process sent SIGTERM (as Kubernetes stops a pod) checkpoints before it exits, and the run resumes there. */
@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerSigtermIntegrationTest {

    private static final String TEACHER = "teacher-sigterm";

    @Test
    void shouldCheckpointOnSigtermAndResumeFromThatCheckpoint(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.trainer.run.id", "sigterm"),
                Map.entry("kdstream.trainer.steps", "100000"),
                Map.entry("kdstream.trainer.checkpoint.every", "10"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.toString()),
                Map.entry("kdstream.trainer.teacher.fingerprint", TEACHER),
                Map.entry("kdstream.trainer.min.examples", "16"),
                Map.entry("kdstream.trainer.batch.size", "4"),
                Map.entry("kdstream.trainer.topk", Integer.toString(TeacherRecords.K))));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        String tokenizer = new CharTokenizer().fingerprint();
        Random random = new Random(9);
        TeacherRecords.produce(client, new TopicCatalogue(client), IntStream.range(0, 16)
                .mapToObj(i -> TeacherRecords.record("sigterm-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList());
        Path runDir = dir.resolve("sigterm");
        int port = TrainerEndpoint.freePort();

        Process trainer = JvmProcess.start(TrainerService.class, settings.with(Map.of("kdstream.http.port", Integer.toString(port),
                "kdstream.http.host", "127.0.0.1")), dir, "trainer", List.of("-Xmx768m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        long stepsBeforeSigterm;
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> TrainerEndpoint.steps(port) > 12 || !trainer.isAlive());
            assertThat(trainer.isAlive()).as("the trainer is training (log: %s)", dir.resolve("trainer.log")).isTrue();
            stepsBeforeSigterm = TrainerEndpoint.steps(port);
            trainer.destroy(); // SIGTERM
            assertThat(trainer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            trainer.destroyForcibly();
        }
        assertThat(trainer.exitValue()).isEqualTo(143); // killed by SIGTERM, after its shutdown hook ran
        long stoppedAt = CheckpointFiles.stateSteps(runDir).max().orElseThrow();
        assertThat(stoppedAt).as("no step done before SIGTERM is lost").isGreaterThanOrEqualTo(stepsBeforeSigterm);
        assertThat(Files.readString(dir.resolve("trainer.log"))).contains("checkpoint at step " + stoppedAt).doesNotContain("ERROR");

        TrainerService resumed = new TrainerService(TrainerConfig.from(settings.with(Map.of("kdstream.trainer.steps", Long.toString(stoppedAt + 3)))));
        resumed.start();
        resumed.awaitTermination();
        assertThat(resumed.failure()).isNull();
        assertThat(resumed.progress().resumedFromStep()).isEqualTo(stoppedAt);
        assertThat(resumed.progress().step()).isEqualTo(stoppedAt + 3);
    }
}
