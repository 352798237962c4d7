package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.cache.CachedSequence;
import io.kdstream.trainer.cache.DiskLogitCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local cache a trainer builds while records arrive is the one a replay of the topic builds: asked for
 * ({@code kdstream.trainer.cache.rebuild}) or forced by a corrupt shard.
 */
@ExtendWith(EmbeddedPlatformExtension.class)
class CacheReplayIntegrationTest {

    private static final String TEACHER = "teacher-replay";
    private static final long SHARD_BYTES = 1 << 16;

    @Test
    void shouldRebuildTheCacheItBuiltOnlineWithTheSameContentHash(EmbeddedPlatform platform, @TempDir Path dir) throws Exception {
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("bootstrap.servers", platform.bootstrapServers()),
                Map.entry("schema.registry.url", platform.schemaRegistryUrl()),
                Map.entry("kdstream.trainer.run.id", "replay"),
                Map.entry("kdstream.trainer.steps", "100000"),
                Map.entry("kdstream.trainer.checkpoint.every", "100000"),
                Map.entry("kdstream.trainer.checkpoint.dir", dir.toString()),
                Map.entry("kdstream.trainer.cache.shard.bytes", Long.toString(SHARD_BYTES)),
                Map.entry("kdstream.trainer.teacher.fingerprint", TEACHER),
                Map.entry("kdstream.trainer.min.examples", "1"),
                Map.entry("kdstream.trainer.batch.size", "2"),
                Map.entry("kdstream.trainer.topk", Integer.toString(TeacherRecords.K))));
        Map<String, Object> client = settings.clientProperties();
        TopicAdmin.ensureTopics(client, TopicCatalogue.ALL);
        TopicCatalogue catalogue = new TopicCatalogue(client);
        String tokenizer = new CharTokenizer().fingerprint();
        Random random = new Random(5);
        TeacherRecords.produce(client, catalogue, records(0, 30, tokenizer, random));

        CapturedLog log = new CapturedLog(TrainerService.class);
        TrainerService online = new TrainerService(TrainerConfig.from(settings));
        online.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> online.progress().step() > 0 || online.isStopped());
        // while it trains: more records, a recomputed one, a held-out one, a deleted prompt
        TeacherRecords.produce(client, catalogue, records(30, 60, tokenizer, random));
        TeacherRecords.produce(client, catalogue, List.of(
                TeacherRecords.record("replay-3", TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K),
                TeacherRecords.record("replay-test", TEACHER, tokenizer, Split.TEST, random, TeacherRecords.K)));
        TeacherRecords.delete(client, catalogue, TEACHER, "replay-7");
        await().atMost(Duration.ofSeconds(60)).until(() -> online.progress().cachedExamples() == 59 || online.isStopped());
        await().atMost(Duration.ofSeconds(60)).until(() -> online.progress().lag() == 0 || online.isStopped());
        online.close();
        assertThat(online.failure()).isNull();
        String onlineHash = contentHash(dir);

        TrainerService replayed = new TrainerService(TrainerConfig.from(settings.with(Map.of(
                "kdstream.trainer.cache.rebuild", "true", "kdstream.trainer.steps", "0"))));
        replayed.start();
        replayed.awaitTermination();
        assertThat(replayed.failure()).isNull();
        assertThat(replayed.progress().cacheRebuilds()).isEqualTo(1);
        assertThat(replayed.progress().cachedExamples()).isEqualTo(59);
        assertThat(contentHash(dir)).isEqualTo(onlineHash);
        // the proof is in the logs: the online trainer's hash as it stopped, the replay's once caught up, at the same offsets
        log.close();
        String offsets = DiskLogitCache.inspect(dir.resolve("replay/cache")).nextOffsets().toString();
        assertThat(log.messages()).filteredOn(line -> line.contains("content hash " + onlineHash)).satisfiesExactly(
                onlineStopping -> assertThat(onlineStopping).contains("stopping: local cache").contains(offsets),
                replayCaughtUp -> assertThat(replayCaughtUp).contains("caught up: local cache").contains(offsets),
                replayStopping -> assertThat(replayStopping).contains("stopping: local cache"));
        // filed in the replay order, not as fetches interleaved: window of 256 offsets, then partition, then offset
        List<CachedSequence> rebuilt = entries(dir);
        assertThat(rebuilt).isSortedAccordingTo(Comparator.comparingLong((CachedSequence entry) -> entry.offset() / 256)
                .thenComparingInt(CachedSequence::partition).thenComparingLong(CachedSequence::offset));
        assertThat(rebuilt.stream().map(CachedSequence::partition).distinct().count()).as("records in several partitions").isGreaterThan(1);

        try (RandomAccessFile shard = new RandomAccessFile(dir.resolve("replay/cache/shard-000000.log").toFile(), "rw")) {
            shard.seek(100);
            int original = shard.read();
            shard.seek(100);
            shard.write(original ^ 0x10);
        }
        TrainerService afterCorruption = new TrainerService(TrainerConfig.from(settings.with(Map.of("kdstream.trainer.steps", "0"))));
        afterCorruption.start();
        afterCorruption.awaitTermination();
        assertThat(afterCorruption.failure()).isNull();
        assertThat(afterCorruption.progress().cacheRebuilds()).isEqualTo(1);
        assertThat(contentHash(dir)).isEqualTo(onlineHash);
        // the same entries in the same order as the first rebuild: a seeded run draws the same batches from either
        assertThat(entries(dir)).extracting(CachedSequence::promptId).containsExactlyElementsOf(
                rebuilt.stream().map(CachedSequence::promptId).toList());
    }

    /** Every entry of the local cache, in entry order. */
    private static List<CachedSequence> entries(Path dir) throws Exception {
        try (DiskLogitCache cache = DiskLogitCache.open(dir.resolve("replay/cache"), SHARD_BYTES, new CharTokenizer().fingerprint())) {
            return IntStream.range(0, cache.size()).mapToObj(cache::read).toList();
        }
    }

    private static List<TeacherLogits> records(int from, int to, String tokenizer, Random random) {
        return IntStream.range(from, to)
                .mapToObj(i -> TeacherRecords.record("replay-" + i, TEACHER, tokenizer, Split.TRAIN, random, TeacherRecords.K)).toList();
    }

    /** The hash as {@code kdstream cache hash} shows it. */
    private static String contentHash(Path dir) throws Exception {
        return DiskLogitCache.inspect(dir.resolve("replay/cache")).contentHash();
    }
}
