package io.kdstream.schemas.logits;

/**
 * The logit cache's key, {@code <teacher fingerprint>/<prompt id>}: the teacher is part of it, so two teachers never
 * overwrite each other (chunks add a further {@code /<index>}; see {@code ChunkKeys}).
 */
public final class LogitsKey {

    private LogitsKey() {
    }

    public static String of(String teacherFingerprint, String promptId) {
        return teacherFingerprint + "/" + promptId;
    }

    /** The teacher fingerprint of a logit cache key. */
    public static String teacherOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    /** The prompt id of a logit cache key: the segment after the teacher (anything after a further '/' qualifies it). */
    public static String promptOf(String key) {
        int start = key.indexOf('/') + 1;
        int end = key.indexOf('/', start);
        return end < 0 ? key.substring(start) : key.substring(start, end);
    }
}
