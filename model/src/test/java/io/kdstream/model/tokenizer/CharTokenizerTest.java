package io.kdstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    private final CharTokenizer tokenizer = new CharTokenizer();

    @Test
    void shouldHaveSpecialsNewlineAndPrintableAscii() {
        assertThat(tokenizer.vocabularySize()).isEqualTo(4 + 1 + 95);
        assertThat(tokenizer.encode("\n")).containsExactly(4);
        assertThat(tokenizer.encode(" ")).containsExactly(5);
        assertThat(tokenizer.encode("~")).containsExactly(99);
    }

    @Test
    void shouldRoundTripEveryKnownCharacter() {
        StringBuilder all = new StringBuilder("\n");
        for (char c = 32; c <= 126; c++) {
            all.append(c);
        }
        String text = all.toString();
        int[] ids = tokenizer.encode(text);
        assertThat(ids).hasSize(text.length());
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void shouldNameUnknownCharacterAndItsOffset() {
        assertThatThrownBy(() -> tokenizer.encode("2+2=\u00e9"))
                .isInstanceOf(UnknownCharacterException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+00E9")
                .hasMessageContaining("'\u00e9'")
                .hasMessageContaining("offset 4");
        assertThatThrownBy(() -> tokenizer.encode("ab\tc"))
                .isInstanceOfSatisfying(UnknownCharacterException.class, e -> {
                    assertThat(e.codePoint()).isEqualTo('\t');
                    assertThat(e.offset()).isEqualTo(2);
                })
                .hasMessageContaining("U+0009");
    }

    @Test
    void shouldReportSupplementaryCharacterAsOneCodePoint() {
        assertThatThrownBy(() -> tokenizer.encode("x\uD83D\uDE00"))
                .hasMessageContaining("U+1F600")
                .hasMessageContaining("offset 1");
    }

    @Test
    void shouldSkipSpecialTokensWhenDecoding() {
        int[] ids = tokenizer.encodeExample("1+1", "2").tokens();
        assertThat(tokenizer.decode(ids)).isEqualTo("1+12");
        assertThat(tokenizer.decode(new int[] {CharTokenizer.PAD, CharTokenizer.BOS})).isEmpty();
        assertThatThrownBy(() -> tokenizer.decode(new int[] {100})).hasMessageContaining("100");
    }

    @Test
    void shouldFrameExampleAndMaskOnlyResponseAndEosTargets() {
        TokenizedExample example = tokenizer.encodeExample("ab", "xyz");
        int[] a = tokenizer.encode("a");
        int[] b = tokenizer.encode("b");
        int[] xyz = tokenizer.encode("xyz");
        assertThat(example.tokens()).containsExactly(CharTokenizer.BOS, a[0], b[0], CharTokenizer.SEP,
                xyz[0], xyz[1], xyz[2], CharTokenizer.EOS);
        // position p predicts token p+1: targets a, b, SEP are not trained on; x, y, z, EOS are
        assertThat(example.lossMask()).containsExactly(0f, 0f, 0f, 1f, 1f, 1f, 1f);
        assertThat(example.positions()).isEqualTo(7);
        assertThat(example.maskedPositions()).isEqualTo(4);
    }

    @Test
    void shouldTrainOnEosOfEmptyResponse() {
        TokenizedExample example = tokenizer.encodeExample("", "");
        assertThat(example.tokens()).containsExactly(CharTokenizer.BOS, CharTokenizer.SEP, CharTokenizer.EOS);
        assertThat(example.lossMask()).containsExactly(0f, 1f);
    }

    @Test
    void shouldEncodePromptAsGenerationStart() {
        assertThat(tokenizer.encodePrompt("ab")).containsExactly(CharTokenizer.BOS, tokenizer.encode("a")[0],
                tokenizer.encode("b")[0], CharTokenizer.SEP);
        int[] prompt = tokenizer.encodePrompt("3*4");
        int[] example = tokenizer.encodeExample("3*4", "12").tokens();
        assertThat(example).startsWith(prompt);
    }

    @Test
    void shouldHaveStableFingerprint() {
        assertThat(tokenizer.fingerprint())
                .matches("char-v1:[0-9a-f]{16}")
                .isEqualTo(new CharTokenizer().fingerprint());
    }

    @Test
    void shouldRejectMaskOfWrongLength() {
        assertThatThrownBy(() -> new TokenizedExample(new int[] {1, 2, 3}, new float[3]))
                .hasMessageContaining("tokens.length - 1");
    }

    @Test
    void shouldRenderAChatAsRoleLinesEndingWhereTheAssistantAnswers() {
        String rendered = tokenizer.renderChat(java.util.List.of(new ChatTurn("system", "Be brief."), ChatTurn.user("1+1?")));
        assertThat(rendered).isEqualTo("system: Be brief.\nuser: 1+1?\nassistant:");
        assertThat(tokenizer.renderPrompt("1+1?")).isEqualTo("1+1?");
    }
}
