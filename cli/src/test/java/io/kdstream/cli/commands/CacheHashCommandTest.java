package io.kdstream.cli.commands;

import io.kdstream.trainer.cache.CachedSequence;
import io.kdstream.trainer.cache.DiskLogitCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream cache hash DIR} shows the content hash a trainer's log shows, from the directory alone. */
class CacheHashCommandTest {

    @Test
    void shouldPrintTheContentHashAndOffsetsOfALocalCache(@TempDir Path dir) throws Exception {
        String hash;
        try (DiskLogitCache cache = DiskLogitCache.open(dir, 1 << 16, "char-v1:cli")) {
            cache.append(new CachedSequence("p1", 2, 40, 3, List.of(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)))));
            hash = cache.contentHash();
        }

        CliRun ok = CliRun.of("cache", "hash", dir.toString());
        CliRun missing = CliRun.of("cache", "hash", dir.resolve("absent").toString());

        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("content hash " + hash).contains("1 sequences").contains("{2=41}");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no trainer's cache in").contains("absent");
    }
}
