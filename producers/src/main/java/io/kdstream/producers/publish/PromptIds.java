package io.kdstream.producers.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Prompt ids are content hashes, so sending the same example twice produces the same key. */
public final class PromptIds {

    private PromptIds() {
    }

    /** SHA-256 over the dataset, prompt and response, each length-prefixed so no two triples collide by concatenation. */
    public static String contentHash(String dataset, String prompt, String response) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {dataset, prompt, response == null ? "" : response}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
