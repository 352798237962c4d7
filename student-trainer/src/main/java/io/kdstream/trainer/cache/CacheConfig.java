package io.kdstream.trainer.cache;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the trainer keeps its local cache.
 *
 * @param directory the cache's directory (one trainer at a time)
 * @param shardBytes size at which a new shard file is begun
 * @param commitInterval how often new entries and the position are made durable (also at every checkpoint)
 * @param rebuild throw away the local cache and replay the topic from the beginning
 */
public record CacheConfig(Path directory, long shardBytes, Duration commitInterval, boolean rebuild) {

    public CacheConfig {
        if (shardBytes < 1 << 16) {
            throw new IllegalArgumentException("cache shards must be at least 64 KiB, got " + shardBytes + " bytes");
        }
    }
}
