package io.kdstream.model.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Whether a served model tokenizes text as the configured tokenizer does. A worker in front of a served teacher asks
 * before it scores anything (vLLM answers {@code POST /tokenize} with {@code add_special_tokens: false}): a teacher
 * that splits text differently would give logits for other tokens than the ones the student is trained on.
 */
public final class TokenizerAgreement {

    /** Texts whose ids tell vocabularies apart: English, digits and arithmetic, code, accents, CJK, emoji. */
    public static final List<String> PROBES = List.of(
            "Hello world, knowledge distillation!",
            "What is 12 * 7? Answer: 84 #### 84",
            "def add(a, b):\n    return a + b\n",
            "Ünïcödé: naïve café, 日本語のテキスト, emoji 🚀 and Ελληνικά");

    private TokenizerAgreement() {
    }

    /**
     * @param served     the served model's ids for a text, without special tokens
     * @param servedName how to name the served model in the error (its URL, say)
     * @throws TokenizerMismatchException naming the first probe on which they differ and both id lists
     */
    public static void require(Tokenizer configured, Function<String, int[]> served, String servedName) {
        for (String probe : PROBES) {
            int[] ours;
            try {
                ours = configured.encode(probe);
            } catch (IllegalArgumentException unrepresentable) {
                continue; // text the configured tokenizer cannot hold (accents for the char tokenizer) tells nothing
            }
            int[] theirs = served.apply(probe);
            if (!Arrays.equals(ours, theirs)) {
                throw new TokenizerMismatchException(servedName + " does not tokenize as the configured tokenizer "
                        + configured.fingerprint() + ": '" + probe + "' is " + Arrays.toString(theirs) + " there and "
                        + Arrays.toString(ours) + " here; configure the served model's tokenizer.json");
            }
        }
    }
}
