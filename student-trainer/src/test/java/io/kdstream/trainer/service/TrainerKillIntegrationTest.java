package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.kafka.TopicSnapshot;
import io.kdstream.platform.service.JvmProcess;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.cache.DiskLogitCache;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trainer killed with SIGKILL (no shutdown hook, no last checkpoint) again and again while it checkpoints every step
 * and logit records keep arriving, so that kills land inside checkpoint writes and cache appends and commits; each
 * time it is started again. What each kill left behind is recorded (a checkpoint's temporary file, a model without its
 * state file). In the end the run resumes from its newest complete checkpoint with no checkpoint refused, its local
 * cache holds every prompt once and hashes the same as a cache rebuilt from the topic, and every complete checkpoint
 * was announced once. Prints a row for RELIABILITY.md ({@code trainer-kill | ...}).
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class TrainerKillIntegrationTest {

    private static final String TEACHER = "teacher-kill";
    private static final int KILLS = 5;
    private static final int FIRST_RECORDS = 24;

    @Test
    void shouldResumeWithNothingLostOrCountedTwiceAfterKillsMidCheckpointAndMidCacheWrite(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "kill", TEACHER, dir, Map.of(
                "kdstream.trainer.steps", "1000000",
                "kdstream.trainer.checkpoint.every", "1",
                "kdstream.trainer.batch.size", "4",
                "kdstream.trainer.cache.commit.interval.ms", "100"));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        String tokenizer = new CharTokenizer().fingerprint();
        Random random = new Random(23);
        AtomicInteger produced = new AtomicInteger();
        for (int i = 0; i < FIRST_RECORDS; i++) {
            TeacherRecords.produce(client, catalogue, List.of(TeacherRecords.record("kill-" + produced.getAndIncrement(), TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)));
        }
        Path runDir = dir.resolve("kill");
        List<String> leftBehind = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        AtomicBoolean arriving = new AtomicBoolean(true);
        Thread arrivals = new Thread(() -> {
            try {
                while (arriving.get()) { // not interrupted: a send cut short would leave a record uncounted
                    TeacherRecords.produce(client, catalogue, List.of(TeacherRecords.record("kill-" + produced.get(), TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)));
                    produced.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "kill-test-arrivals");
        arrivals.start();
        long stepsAtLastKill = 0;
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                int port = TrainerEndpoint.freePort();
                Process trainer = JvmProcess.start(TrainerService.class, settings.with(Map.of("kdstream.http.port", Integer.toString(port),
                        "kdstream.http.host", "127.0.0.1")), dir, "trainer-" + kill, List.of("-Xmx768m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
                try {
                    long from = stepsAtLastKill;
                    // its own step counter starts at the resumed step; wait for steps past the last kill's
                    await().atMost(Duration.ofSeconds(120)).until(() -> TrainerEndpoint.steps(port) > from + 5 || !trainer.isAlive());
                    assertThat(trainer.isAlive()).as("trainer %d trains (log: %s)", kill, dir.resolve("trainer-" + kill + ".log")).isTrue();
                    Thread.sleep(random.nextInt(300));
                    stepsAtLastKill = TrainerEndpoint.steps(port);
                } finally {
                    trainer.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no last checkpoint
                }
                leftBehind.add("kill " + kill + ": " + leftBehind(runDir, seen));
                assertThat(Files.readString(dir.resolve("trainer-" + kill + ".log"))).doesNotContain("ERROR");
            }
        } finally {
            arriving.set(false);
            arrivals.join();
        }

        long newestComplete = CheckpointFiles.stateSteps(runDir).max().orElseThrow();
        TrainerService resumed = new TrainerService(TrainerConfig.from(settings.with(Map.of("kdstream.trainer.steps", Long.toString(newestComplete + 3)))));
        resumed.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> resumed.progress().cachedExamples() == produced.get() && resumed.progress().lag() == 0
                || resumed.isStopped());
        resumed.awaitTermination();
        assertThat(resumed.failure()).isNull();
        String killedHash = DiskLogitCache.inspect(runDir.resolve("cache")).contentHash();

        TrainerService rebuilt = new TrainerService(TrainerConfig.from(settings.with(Map.of("kdstream.trainer.cache.rebuild", "true", "kdstream.trainer.steps", "0"))));
        rebuilt.start();
        rebuilt.awaitTermination();
        assertThat(rebuilt.failure()).isNull();
        String rebuiltHash = DiskLogitCache.inspect(runDir.resolve("cache")).contentHash();

        Map<String, Long> announced = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(), new StringDeserializer(),
                        new ByteArrayDeserializer(), 0, Duration.ofSeconds(10)).stream().map(ConsumerRecord::key)
                .filter(key -> key != null && key.startsWith("kill/")).collect(Collectors.groupingBy(key -> key, Collectors.counting()));
        long announcedTwice = announced.values().stream().filter(n -> n > 1).count();
        // a kill after a checkpoint's state file and before its announcement: announced when the trainer resumes from it
        List<Long> neverAnnounced = CheckpointFiles.stateSteps(runDir).filter(step -> !announced.containsKey(TopicCatalogue.checkpointKey("kill", step)))
                .sorted().boxed().toList();
        System.out.printf("trainer-kill | SIGKILL %d times at random moments while checkpointing every step with records arriving every 100 ms;"
                        + " left behind: %s | %d records | cached %d of %d, content hash %s the rebuilt cache's | lost 0 | checkpoints announced twice %d"
                        + " | resumed from step %d (newest complete), checkpoints refused %d, cache rebuilds %d | complete checkpoints never announced: steps %s%n",
                KILLS, String.join("; ", leftBehind), produced.get(), resumed.progress().cachedExamples(), produced.get(),
                killedHash.equals(rebuiltHash) ? "equal to" : "DIFFERENT from", announcedTwice, resumed.progress().resumedFromStep(),
                resumed.progress().refusedCheckpoints(), resumed.progress().cacheRebuilds(), neverAnnounced);

        assertThat(resumed.progress().resumedFromStep()).isEqualTo(newestComplete);
        assertThat(resumed.progress().refusedCheckpoints()).as("checkpoints refused on resume").isZero();
        assertThat(resumed.progress().step()).isEqualTo(newestComplete + 3);
        assertThat(resumed.progress().cachedExamples()).as("prompts in the local cache").isEqualTo(produced.get());
        assertThat(killedHash).as("the killed and resumed cache against one rebuilt from the topic").isEqualTo(rebuiltHash);
        assertThat(announcedTwice).as("checkpoints announced twice").isZero();
        assertThat(neverAnnounced).as("complete checkpoints never announced").isEmpty();
        assertThat(leftBehind(runDir, new HashSet<>())).as("temporary files once the trainer has started again")
                .doesNotContain("temporary");
    }

    /**
     * A complete checkpoint that was never announced (its trainer died between the state file and the announcement),
     * made deterministically: a finished run's checkpoints copied as another run's. The run resuming from it announces
     * it, once, and not again when it is resumed again.
     */
    @Test
    void shouldAnnounceTheCheckpointItResumesFromWhenItWasNeverAnnounced(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        String teacher = "teacher-unannounced";
        Map<String, String> run = Map.of("kdstream.trainer.steps", "4", "kdstream.trainer.checkpoint.every", "2", "kdstream.trainer.batch.size", "2");
        Settings first = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "unannounced-1", teacher, dir, run);
        Map<String, Object> client = first.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        String tokenizer = new CharTokenizer().fingerprint();
        Random random = new Random(29);
        TeacherRecords.produce(client, new TopicCatalogue(client), IntStream.range(0, 8)
                .mapToObj(i -> TeacherRecords.record("unannounced-" + i, teacher, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList());
        TrainerService original = new TrainerService(TrainerConfig.from(first));
        original.start();
        original.awaitTermination();
        assertThat(original.failure()).isNull();
        copy(dir.resolve("unannounced-1"), dir.resolve("unannounced-2"));
        Settings second = SmallTrainerSettings.of(platform.bootstrapServers(), platform.schemaRegistryUrl(), "unannounced-2", teacher, dir, run);

        for (int resume = 1; resume <= 2; resume++) {
            TrainerService resumed = new TrainerService(TrainerConfig.from(second));
            resumed.start();
            resumed.awaitTermination();
            assertThat(resumed.failure()).isNull();
            assertThat(resumed.progress().resumedFromStep()).isEqualTo(4);
            List<String> announced = TopicSnapshot.read(platform.bootstrapServers(), TopicCatalogue.CHECKPOINTS.name(), new StringDeserializer(),
                            new ByteArrayDeserializer(), 0, Duration.ofSeconds(10)).stream().map(ConsumerRecord::key)
                    .filter(key -> key != null && key.startsWith("unannounced-2/")).toList();
            assertThat(announced).as("run 2's announcements after resume %d", resume).containsExactly("unannounced-2/4");
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }

    /**
     * What a kill left in the run's directory that no kill before it did ({@code seen}): temporary files of atomic
     * writes, a model without its state file.
     */
    private static String leftBehind(Path runDir, Set<String> seen) throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(runDir), Files.isDirectory(runDir.resolve("cache")) ? Files.list(runDir.resolve("cache")) : Stream.empty())) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".tmp")).forEach(name -> found.add("temporary " + name));
        }
        long newestState = CheckpointFiles.stateSteps(runDir).max().orElse(-1);
        try (Stream<Path> files = Files.list(runDir)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.matches("step-\\d+\\.ckpt"))
                    .mapToLong(name -> Long.parseLong(name.substring(5, name.length() - 5))).filter(step -> step > newestState)
                    .forEach(step -> found.add("model of step " + step + " without its state file"));
        }
        found.removeIf(thing -> !seen.add(thing));
        return found.isEmpty() ? "nothing new" : String.join(", ", found);
    }
}
