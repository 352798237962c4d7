package io.kdstream.trainer.cache;

import java.nio.file.Path;
import java.util.Map;

/**
 * What identifies a local cache's content, for an operator to compare: a cache rebuilt from the topic up to the same
 * offsets has the same content hash as the one built online ({@link DiskLogitCache#contentHash()}).
 *
 * @param cacheId new each time the cache is built from nothing (so it differs after a rebuild; the hash does not)
 * @param teacherFingerprint the teacher it holds, null before the first record
 * @param nextOffsets the next offset to read, per partition of the topic: the position the content is the topic's at
 */
public record CacheSummary(Path directory, String cacheId, String teacherFingerprint, String tokenizerFingerprint,
                           int sequences, Map<Integer, Long> nextOffsets, String contentHash) {

    static CacheSummary of(DiskLogitCache cache) {
        return new CacheSummary(cache.directory(), cache.id(), cache.teacherFingerprint(), cache.tokenizerFingerprint(),
                cache.liveCount(), cache.nextOffsets(), cache.contentHash());
    }

    /** One line: where, what and up to which offsets, and the hash. */
    public String describe() {
        return "local cache " + directory + ": content hash " + contentHash + ", " + sequences + " sequences of teacher "
                + (teacherFingerprint == null ? "(none yet)" : teacherFingerprint) + " (tokenizer " + tokenizerFingerprint
                + "), topic read up to offsets " + nextOffsets + " (partition=next offset), cache id " + cacheId;
    }
}
