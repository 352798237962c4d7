package io.kdstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.testing.Qwen3TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen3's real tokenizer through DJL against ids from an independent implementation. Every expected id list was
 * printed by {@code npm ci --prefix tokenizers && node tokenizers/golden.mjs} (@lenml/tokenizers, a JavaScript port of
 * transformers.js's tokenizers, and @huggingface/jinja for the chat template, on the same two files).
 */
class HuggingFaceTokenizerGoldenTest {

    private static HuggingFaceTokenizer qwen3;

    @BeforeAll
    static void load() throws IOException {
        qwen3 = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson());
    }

    @Test
    void shouldEncodeTextAsTheIndependentImplementationDoes() {
        assertThat(qwen3.encode("Hello world, knowledge distillation!")).containsExactly(9707, 1879, 11, 6540, 1582, 66084, 0);
        assertThat(qwen3.encode("What is 12 * 7? Answer: 84 #### 84"))
                .containsExactly(3838, 374, 220, 16, 17, 353, 220, 22, 30, 21806, 25, 220, 23, 19, 26274, 220, 23, 19);
        assertThat(qwen3.encode("def add(a, b):\n    return a + b\n"))
                .containsExactly(750, 912, 2877, 11, 293, 982, 262, 470, 264, 488, 293, 198);
    }

    @Test
    void shouldEncodeNonAsciiTextAsTheIndependentImplementationDoes() {
        String text = "Ünïcödé: naïve café, 日本語のテキスト, emoji 🚀 and Ελληνικά";
        int[] ids = qwen3.encode(text);
        assertThat(ids).containsExactly(52491, 77, 37572, 66, 2956, 128505, 25, 94880, 586, 51950, 11, 75402, 21894,
                102819, 15767, 56833, 61803, 70534, 11, 42365, 11162, 248, 222, 323, 7851, 243, 33486, 33486, 41424,
                33269, 29762, 67337, 74134);
        assertThat(qwen3.decode(ids)).isEqualTo(text);
    }

    @Test
    void shouldHaveQwen3sVocabularyAndSpecialTokens() {
        assertThat(qwen3.vocabularySize()).isEqualTo(151_669); // 151,643 merges' vocabulary + 26 added tokens
        assertThat(qwen3.endOfSequence()).isEqualTo(151_645); // <|im_end|>
        assertThat(qwen3.padding()).isEqualTo(151_643); // <|endoftext|>
        assertThat(qwen3.fingerprint()).matches("hf:[0-9a-f]{16}");
    }

    @Test
    void shouldNotTruncateLongText() {
        String text = "knowledge distillation ".repeat(2_000); // 3 tokens a repetition, and the last space alone
        assertThat(qwen3.encode(text).length).isEqualTo(6_001);
    }

    @Test
    void shouldFrameAnExampleWithTheResponseAndEndOfSequenceTrainedOn() {
        TokenizedExample example = qwen3.encodeExample("What is 2 + 3?", "5");
        // the prompt as the tokenizer sees it (no BOS for Qwen3), then "5" and <|im_end|>
        assertThat(example.tokens()).containsExactly(3838, 374, 220, 17, 488, 220, 18, 30, 20, 151_645);
        assertThat(example.lossMask()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 1);
    }

    @Test
    void shouldRefuseAnEmptyPrompt() {
        assertThatThrownBy(() -> qwen3.encodeExample("", "5")).hasMessageContaining("prompt is empty");
    }

    @Test
    void shouldChangeTheFingerprintWithTheConfiguration(@TempDir Path dir) throws IOException {
        Path json = Files.copy(Qwen3TokenizerFiles.tokenizerJson(), dir.resolve("tokenizer.json"));
        String config = Files.readString(Qwen3TokenizerFiles.tokenizerJson().resolveSibling("tokenizer_config.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), config.replace("\"eos_token\": \"<|im_end|>\"", "\"eos_token\": \"<|endoftext|>\""));

        HuggingFaceTokenizer other = HuggingFaceTokenizer.load(json);

        assertThat(other.endOfSequence()).isEqualTo(151_643);
        assertThat(other.fingerprint()).isNotEqualTo(qwen3.fingerprint());
        assertThat(HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson()).fingerprint()).isEqualTo(qwen3.fingerprint());
    }

    @Test
    void shouldNameTheMissingConfiguration(@TempDir Path dir) throws IOException {
        Path json = Files.copy(Qwen3TokenizerFiles.tokenizerJson(), dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> HuggingFaceTokenizer.load(json)).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenizer_config.json").hasMessageContaining("end-of-sequence");
    }

    @Test
    void shouldBeChosenBySetting() {
        assertThat(Tokenizers.load("char")).isInstanceOf(CharTokenizer.class);
        assertThat(Tokenizers.load(Qwen3TokenizerFiles.tokenizerJson().toString()).fingerprint()).isEqualTo(qwen3.fingerprint());
        assertThatThrownBy(() -> Tokenizers.load("/nowhere/tokenizer.json")).hasMessageContaining("/nowhere/tokenizer.json");
    }

    @Test
    void shouldTellWhyQwen3sOwnTemplateCannotBeRendered() {
        // jinjava lacks Python's slices and string methods, which Qwen3's template uses: refused, naming them
        assertThatThrownBy(() -> qwen3.renderChat(List.of(ChatTurn.user("What is 2 + 3?"))))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 18: Error parsing 'messages[::-1]'")
                .hasMessageContaining("line 17 in '[ namespace(multi_step_tool=true");
    }
}
