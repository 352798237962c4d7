package io.kdstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.testing.Qwen3TokenizerFiles;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TokenizerAgreementTest {

    @Test
    void shouldAgreeWithAServedModelOfTheSameTokenizer() throws IOException {
        HuggingFaceTokenizer configured = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson());
        HuggingFaceTokenizer served = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson());

        assertThatCode(() -> TokenizerAgreement.require(configured, served::encode, "http://teacher:8000"))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldNameTheTextAndBothIdListsWhenTheServedModelTokenizesOtherwise() throws IOException {
        HuggingFaceTokenizer configured = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson());
        CharTokenizer served = new CharTokenizer();

        assertThatThrownBy(() -> TokenizerAgreement.require(configured, served::encode, "http://teacher:8000"))
                .isInstanceOf(TokenizerMismatchException.class)
                .hasMessageContaining("http://teacher:8000").hasMessageContaining(configured.fingerprint())
                .hasMessageContaining("'Hello world, knowledge distillation!'")
                .hasMessageContaining("[9707, 1879, 11, 6540, 1582, 66084, 0] here");
    }
}
