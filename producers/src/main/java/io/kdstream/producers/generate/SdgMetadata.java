package io.kdstream.producers.generate;

import java.util.Map;

/**
 * What a generated Prompt's metadata says about how it was made, so experiments can report it. Keys are written
 * only when they differ from the default (a correct, easy example), so easy clean data stays byte for byte as before.
 */
public final class SdgMetadata {

    /** {@code "true"} on a training example whose response is deliberately wrong. */
    public static final String WRONG = "sdg.wrong";
    /** The difficulty, on medium and hard examples. */
    public static final String DIFFICULTY = "sdg.difficulty";

    private SdgMetadata() {
    }

    static void describe(Map<String, String> metadata, Difficulty difficulty, boolean wrong) {
        if (difficulty != Difficulty.EASY) {
            metadata.put(DIFFICULTY, difficulty.configName());
        }
        if (wrong) {
            metadata.put(WRONG, "true");
        }
    }

    /** Whether a Prompt's metadata marks its response as deliberately wrong. */
    public static boolean isWrong(Map<String, String> metadata) {
        return "true".equals(metadata.get(WRONG));
    }
}
