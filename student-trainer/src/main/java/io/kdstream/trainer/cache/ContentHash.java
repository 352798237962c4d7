package io.kdstream.trainer.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * SHA-256 of what a cache holds, independent of the order records arrived in: each live prompt's id and record
 * bytes, in prompt order. A cache rebuilt from the topic has the same hash as the one built online.
 */
final class ContentHash {

    private ContentHash() {
    }

    /** @param prompts each live prompt's id and entry, in prompt order; {@code read} gives an entry's sequence */
    static String of(Stream<Map.Entry<String, Integer>> prompts, IntFunction<CachedSequence> read) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        ByteBuffer length = ByteBuffer.allocate(4);
        prompts.forEach(prompt -> {
            digest.update(prompt.getKey().getBytes(StandardCharsets.UTF_8));
            for (ByteBuffer value : read.apply(prompt.getValue()).values()) {
                digest.update(length.clear().putInt(value.remaining()).array());
                digest.update(value.duplicate());
            }
            digest.update((byte) 0);
        });
        return HexFormat.of().formatHex(digest.digest());
    }
}
