package io.kdstream.producers.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.testing.Qwen3TokenizerFiles;
import io.kdstream.model.tokenizer.HuggingFaceTokenizer;
import io.kdstream.producers.publish.PromptIds;
import io.kdstream.schemas.avro.Prompt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines parsed with Qwen3's tokenizer: prompts are stored as its chat template renders them. */
class ChatRenderingTest {

    private static JsonlPromptParser parser(HuggingFaceTokenizer tokenizer) {
        return new JsonlPromptParser("sdg", "file.jsonl", 2000, FieldMapping.defaults(), new PromptText(CharacterPolicy.REJECT, tokenizer));
    }

    @Test
    void shouldRenderChatMessagesWithTheGenerationPromptBeforeTheAnswer(@TempDir Path dir) throws Exception {
        JsonlPromptParser parser = parser(HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson(),
                Optional.of(Qwen3TokenizerFiles.chatMlTemplate(dir))));

        Prompt prompt = parser.parse("""
                {"messages":[{"role":"system","content":"You are a careful math tutor."},\
                {"role":"user","content":"What is 2 + 3? Réponds en français."},{"role":"assistant","content":"5"}]}""");

        // accents pass: Qwen3's byte-level vocabulary encodes any text
        assertThat(prompt.getPrompt()).isEqualTo("<|im_start|>system\nYou are a careful math tutor.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2 + 3? Réponds en français.<|im_end|>\n<|im_start|>assistant\n");
        assertThat(prompt.getResponse()).isEqualTo("5");
        assertThat(prompt.getId()).isEqualTo(PromptIds.contentHash("sdg", prompt.getPrompt(), "5"));
    }

    @Test
    void shouldRenderAPlainPromptAsTheTemplatesUserTurn(@TempDir Path dir) throws Exception {
        JsonlPromptParser parser = parser(HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson(),
                Optional.of(Qwen3TokenizerFiles.chatMlTemplate(dir))));

        Prompt prompt = parser.parse("{\"prompt\":\"What is 2+3?\",\"response\":\"5\"}");

        assertThat(prompt.getPrompt()).isEqualTo("<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void shouldRejectTheLineNamingTheConstructATemplateCannotRender() throws IOException {
        // Qwen3's own template slices a list backwards, which jinjava cannot parse
        JsonlPromptParser parser = parser(HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson()));

        assertThatThrownBy(() -> parser.parse("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}"""))
                .isInstanceOf(RejectedLineException.class)
                .hasMessageContaining("field 'messages'").hasMessageContaining("messages[::-1]");
    }
}
