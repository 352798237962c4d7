package io.kdstream.trainer.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskLogitCacheTest {

    private static final String TOKENIZER = "char-v1:test";
    private static final long SHARD_BYTES = 1 << 16;

    private static CachedSequence sequence(String prompt, int partition, long offset, String content) {
        return new CachedSequence(prompt, partition, offset, content.length(),
                List.of(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), ByteBuffer.wrap((content + "!").getBytes(StandardCharsets.UTF_8))));
    }

    private static String firstValue(CachedSequence sequence) {
        return new String(CachedSequence.bytes(sequence.values().get(0)), StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadBackWhatWasAppendedWithTheNewestEntryOfAPromptLive(@TempDir Path dir) throws Exception {
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            cache.append(sequence("p1", 0, 10, "first"));
            cache.append(sequence("p2", 1, 3, "second"));
            cache.reserve(Long.MAX_VALUE); // room for more prompts (as a catch-up asks): what is indexed stays
            cache.append(sequence("p1", 0, 11, "first, recomputed"));
            cache.append(CachedSequence.tombstone("p2", 1, 4));
            cache.flush();

            assertThat(cache.size()).isEqualTo(4);
            assertThat(cache.liveCount()).isEqualTo(1);
            assertThat(List.of(cache.isLive(0), cache.isLive(1), cache.isLive(2), cache.isLive(3))).containsExactly(false, false, true, false);
            CachedSequence read = cache.read(2);
            assertThat(read.promptId()).isEqualTo("p1");
            assertThat(read.tokens()).isEqualTo("first, recomputed".length());
            assertThat(read.values()).map(value -> new String(CachedSequence.bytes(value), StandardCharsets.UTF_8)).containsExactly("first, recomputed", "first, recomputed!");
            assertThat(cache.nextOffsets()).containsEntry(0, 12L).containsEntry(1, 5L);

            cache.append(sequence("p2", 1, 5, "second, back after its tombstone"));
            cache.append(CachedSequence.tombstone("p3", 1, 6)); // a tombstone of a prompt never cached
            assertThat(cache.liveCount()).isEqualTo(2);
        }
    }

    @Test
    void shouldKeepCommittedEntriesAcrossReopeningAndDropUncommittedOnes(@TempDir Path dir) throws Exception {
        String id;
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            id = cache.id();
            cache.pinTeacher("teacher-a");
            cache.append(sequence("p1", 0, 0, "one"));
            cache.append(sequence("p2", 0, 1, "two"));
            cache.commit();
            cache.append(sequence("p3", 0, 2, "three, never committed"));
            cache.flush();
            simulateCrash(dir, cache);
        }
        try (DiskLogitCache reopened = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            assertThat(reopened.id()).isEqualTo(id);
            assertThat(reopened.teacherFingerprint()).isEqualTo("teacher-a");
            assertThat(reopened.size()).isEqualTo(2);
            assertThat(reopened.nextOffsets()).containsEntry(0, 2L); // p3's record is read again from the topic
            reopened.append(sequence("p3", 0, 2, "three"));
            assertThat(firstValue(reopened.read(2))).isEqualTo("three");
        }
    }

    /** Closing commits; a crash does not: put the committed position back as it was before the last appends. */
    private static void simulateCrash(Path dir, DiskLogitCache cache) throws IOException {
        Path position = dir.resolve(CachePosition.FILE_NAME);
        byte[] committed = Files.readAllBytes(position);
        cache.close();
        Files.write(position, committed);
    }

    @Test
    void shouldRollShardsAndReopenAllOfThem(@TempDir Path dir) throws Exception {
        String big = "x".repeat(20_000);
        String hash;
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            for (int i = 0; i < 10; i++) {
                cache.append(sequence("p" + i, i % 4, i, big + i));
            }
            hash = cache.contentHash();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(file -> file.getFileName().toString().startsWith("shard-")).count()).isGreaterThan(3);
        }
        try (DiskLogitCache reopened = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            assertThat(reopened.size()).isEqualTo(10);
            assertThat(firstValue(reopened.read(9))).isEqualTo(big + 9);
            assertThat(reopened.contentHash()).isEqualTo(hash);
        }
    }

    @Test
    void shouldStoreTheBytesAViewCoversAndLeaveTheViewAsItWas(@TempDir Path dir) throws Exception {
        byte[] fetched = "....value one....".getBytes(StandardCharsets.UTF_8); // as a consumer's view: part of a larger buffer
        ByteBuffer view = ByteBuffer.wrap(fetched, 2, 13).slice().position(2).limit(11);
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            cache.append(new CachedSequence("p1", 0, 0, 3, List.of(view)));
            cache.commit();
            assertThat(view.position()).isEqualTo(2);
            assertThat(view.limit()).isEqualTo(11);
        }
        try (DiskLogitCache reopened = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            assertThat(firstValue(reopened.read(0))).isEqualTo("value one");
        }
    }

    @Test
    void shouldSyncWrittenBytesInTheBackgroundAndCommitEverything(@TempDir Path dir) throws Exception {
        String megabyte = "m".repeat(1 << 20);
        int entries = (int) (3 * DiskLogitCache.SYNC_EVERY_BYTES / (2 << 20)) + 1; // each entry holds two values of 1 MiB
        String hash;
        try (DiskLogitCache cache = DiskLogitCache.open(dir, 1L << 30, TOKENIZER)) {
            for (int i = 0; i < entries; i++) {
                cache.append(sequence("p" + i, 0, i, megabyte + i));
                if (i == entries / 2) {
                    cache.commit(); // a commit while background syncs of the same shard are queued
                }
            }
            hash = cache.contentHash();
        }
        try (DiskLogitCache reopened = DiskLogitCache.open(dir, 1L << 30, TOKENIZER)) {
            assertThat(reopened.size()).isEqualTo(entries);
            assertThat(reopened.contentHash()).isEqualTo(hash);
            assertThat(reopened.nextOffsets()).containsExactly(Map.entry(0, (long) entries));
        }
    }

    @Test
    void shouldRefuseACacheWhoseCommittedBytesWereAltered(@TempDir Path dir) throws Exception {
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            cache.append(sequence("p1", 0, 0, "one"));
            cache.append(sequence("p2", 0, 1, "two"));
        }
        Path shard = dir.resolve("shard-000000.log");
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            long at = file.length() - 2;
            file.seek(at);
            int original = file.read();
            file.seek(at);
            file.write(original ^ 0x40);
        }
        assertThatThrownBy(() -> DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER))
                .isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining("shard-000000.log").hasMessageContaining("checksum");
        try (DiskLogitCache rebuilt = DiskLogitCache.rebuild(dir, SHARD_BYTES, TOKENIZER)) {
            assertThat(rebuilt.size()).isZero();
            assertThat(rebuilt.nextOffsets()).isEmpty();
        }
    }

    @Test
    void shouldRefuseATruncatedShardAndAnotherTokenizersCache(@TempDir Path dir) throws Exception {
        try (DiskLogitCache cache = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            cache.append(sequence("p1", 0, 0, "one"));
        }
        assertThatThrownBy(() -> DiskLogitCache.open(dir, SHARD_BYTES, "bpe-v9:other"))
                .isInstanceOf(CacheCorruptException.class).hasMessageContaining("bpe-v9:other").hasMessageContaining(TOKENIZER);
        Path shard = dir.resolve("shard-000000.log");
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.setLength(file.length() - 1);
        }
        assertThatThrownBy(() -> DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER))
                .isInstanceOf(CacheCorruptException.class).hasMessageContaining("truncated");
    }

    @Test
    void shouldLetOneTrainerAtATimeUseTheDirectory(@TempDir Path dir) throws Exception {
        try (DiskLogitCache ignored = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            assertThatThrownBy(() -> DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER))
                    .isInstanceOf(IOException.class).hasMessageContaining(dir.toString());
        }
        try (DiskLogitCache again = DiskLogitCache.open(dir, SHARD_BYTES, TOKENIZER)) {
            assertThat(again.size()).isZero();
        }
    }

    @Test
    void shouldHashContentRegardlessOfArrivalOrderAndSupersededEntries(@TempDir Path dir) throws Exception {
        String online;
        try (DiskLogitCache cache = DiskLogitCache.open(dir.resolve("online"), SHARD_BYTES, TOKENIZER)) {
            cache.append(sequence("p1", 0, 0, "old"));
            cache.append(sequence("p2", 1, 0, "two"));
            cache.append(sequence("p3", 2, 0, "three"));
            cache.append(sequence("p1", 0, 1, "new"));
            cache.append(CachedSequence.tombstone("p3", 2, 1));
            online = cache.contentHash();
        }
        try (DiskLogitCache replayed = DiskLogitCache.open(dir.resolve("replayed"), SHARD_BYTES, TOKENIZER)) {
            replayed.append(sequence("p2", 1, 0, "two"));
            replayed.append(sequence("p1", 0, 1, "new"));
            assertThat(replayed.contentHash()).isEqualTo(online);
            replayed.append(sequence("p4", 3, 0, "four"));
            assertThat(replayed.contentHash()).isNotEqualTo(online);
        }
    }

    @Test
    void shouldSummariseACacheLeftInADirectoryWithoutKnowingItsTokenizer(@TempDir Path dir) throws Exception {
        String hash;
        try (DiskLogitCache cache = DiskLogitCache.open(dir.resolve("cache"), SHARD_BYTES, TOKENIZER)) {
            cache.pinTeacher("teacher-a");
            cache.append(sequence("p1", 0, 4, "one"));
            cache.append(sequence("p2", 1, 7, "two"));
            hash = cache.contentHash();
            assertThatThrownBy(() -> DiskLogitCache.inspect(dir.resolve("cache"))).as("open by a trainer").isInstanceOf(IOException.class);
        }

        CacheSummary summary = DiskLogitCache.inspect(dir.resolve("cache"));

        assertThat(summary.contentHash()).isEqualTo(hash);
        assertThat(summary.sequences()).isEqualTo(2);
        assertThat(summary.tokenizerFingerprint()).isEqualTo(TOKENIZER);
        assertThat(summary.teacherFingerprint()).isEqualTo("teacher-a");
        assertThat(summary.nextOffsets()).containsEntry(0, 5L).containsEntry(1, 8L);
        assertThat(summary.describe()).contains("content hash " + hash).contains("{0=5, 1=8}");
        assertThatThrownBy(() -> DiskLogitCache.inspect(dir.resolve("nothing"))).isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining("no trainer's cache in");
        assertThat(dir.resolve("nothing")).doesNotExist();
    }
}
