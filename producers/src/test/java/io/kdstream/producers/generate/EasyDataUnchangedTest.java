package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.TestCase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Easy, clean data is what the generators made before difficulty and wrong shares existed, byte for byte, so seeds in
 * use keep their data. The digest was taken from the generators as they were before those options.
 */
class EasyDataUnchangedTest {

    private static final String DIGEST_BEFORE_OPTIONS = "6547f0124f98e3ae7b2b9822ca9730f38b5dc2d43c6d605d9ddf4c1f30aadec9";

    @Test
    void shouldWriteTheSameJsonlAsBeforeTheOptionsExisted() throws Exception {
        assertThat(digest(() -> List.of(new MathProblemGenerator(7), new CodeTaskGenerator(7)))).isEqualTo(DIGEST_BEFORE_OPTIONS);
        assertThat(digest(() -> List.of(new MathProblemGenerator(7, SdgOptions.CLEAN_EASY),
                new CodeTaskGenerator(7, SdgOptions.CLEAN_EASY)))).isEqualTo(DIGEST_BEFORE_OPTIONS);
    }

    /**
     * The prompt with the tests it was drawn with: held-out code tasks have since gained tests that tell their reference
     * from near misses ({@link DistinguishingTests}), after the drawn ones; all else is as it was.
     */
    private static Prompt asDrawn(Prompt prompt) {
        String tests = prompt.getMetadata().get(TestCase.METADATA_KEY);
        if (tests == null || prompt.getSplit() == Split.TRAIN) {
            return prompt;
        }
        Map<String, String> metadata = new LinkedHashMap<>(prompt.getMetadata());
        metadata.put(TestCase.METADATA_KEY, TestCase.encode(TestCase.decode(tests).subList(0, CodeTaskGenerator.TESTS_PER_TASK)));
        return Prompt.newBuilder(prompt).setMetadata(metadata).build();
    }

    /** Each split from fresh generators (math, then code), as a command run per split draws it. */
    private static String digest(Supplier<List<SdgGenerator<?>>> generators) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Split split : Split.values()) {
            int count = split == Split.TRAIN ? 400 : 150;
            for (SdgGenerator<?> generator : generators.get()) {
                for (SdgExample example : generator.generate(count, split)) {
                    digest.update((PromptJsonl.line(asDrawn(example.toPrompt("s"))) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
