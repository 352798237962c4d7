package io.kdstream.producers.ingest;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.producers.publish.PromptIds;
import io.kdstream.schemas.avro.ChatMessage;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlPromptParserTest {

    private static JsonlPromptParser parser(FieldMapping fields, CharacterPolicy characters) {
        return new JsonlPromptParser("sdg", "file.jsonl", 500, fields, new PromptText(characters, new CharTokenizer()));
    }

    private static final JsonlPromptParser DEFAULT = parser(FieldMapping.defaults(), CharacterPolicy.REJECT);

    @Test
    void shouldReadChatMessagesAsTheConversationAndTheLastAssistantTurn() throws Exception {
        Prompt prompt = DEFAULT.parse("""
                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2+3?"},\
                {"role":"assistant","content":"5 #### 5"}],"split":"test"}""");

        assertThat(prompt.getPrompt()).isEqualTo("system: Be brief.\nuser: What is 2+3?\nassistant:");
        assertThat(prompt.getResponse()).isEqualTo("5 #### 5");
        assertThat(prompt.getMessages()).containsExactly(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "What is 2+3?"), new ChatMessage("assistant", "5 #### 5"));
        assertThat(prompt.getSplit()).isEqualTo(Split.TEST);
        assertThat(prompt.getId()).isEqualTo(PromptIds.contentHash("sdg", prompt.getPrompt(), "5 #### 5"));
    }

    @Test
    void shouldRejectChatsThatDoNotEndWithTheAssistantNamingTheField() {
        assertThatThrownBy(() -> DEFAULT.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isInstanceOf(RejectedLineException.class).hasMessageContaining("'messages' must end with an assistant turn");
        assertThatThrownBy(() -> DEFAULT.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\"}]}"))
                .isInstanceOf(RejectedLineException.class).hasMessageContaining("'messages[1].content' must be a string");
        assertThatThrownBy(() -> DEFAULT.parse("{\"messages\":[]}"))
                .isInstanceOf(RejectedLineException.class).hasMessageContaining("non-empty array");
    }

    @Test
    void shouldReadOtherFieldNamesThroughTheMapping() throws Exception {
        JsonlPromptParser mapped = parser(FieldMapping.parse("prompt=question, response=answer,expected_answer=gold"), CharacterPolicy.REJECT);

        Prompt prompt = mapped.parse("{\"question\":\"What is 1+1?\",\"answer\":\"2 #### 2\",\"gold\":\"2\",\"prompt\":\"ignored\"}");

        assertThat(prompt.getPrompt()).isEqualTo("What is 1+1?");
        assertThat(prompt.getResponse()).isEqualTo("2 #### 2");
        assertThat(prompt.getExpectedAnswer()).isEqualTo("2");
        assertThatThrownBy(() -> mapped.parse("{\"prompt\":\"What is 1+1?\",\"answer\":\"2\"}"))
                .isInstanceOf(RejectedLineException.class).hasMessageContaining("missing field 'question'");
    }

    @Test
    void shouldRefuseAMappingOfAnUnknownFieldOrAMalformedPair() {
        assertThatThrownBy(() -> FieldMapping.parse("question=prompt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown field 'question'");
        assertThatThrownBy(() -> FieldMapping.parse("prompt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("FIELD=NAME");
    }

    @Test
    void shouldRejectCharactersTheTokenizerCannotEncodeNamingFieldCharacterAndOffset() {
        assertThatThrownBy(() -> DEFAULT.parse("{\"prompt\":\"Combien font 2+2 ? \u00c9crivez\",\"response\":\"4 #### 4\"}"))
                .isInstanceOf(RejectedLineException.class)
                .hasMessageContaining("field 'prompt (or problem)'")
                .hasMessageContaining("U+00C9")
                .hasMessageContaining("offset 19")
                .hasMessageContaining("kdstream.producer.characters=normalise");
    }

    @Test
    void shouldNormaliseTypographyAndAccentsAndStillRejectWhatHasNoAsciiForm() throws Exception {
        JsonlPromptParser normalising = parser(FieldMapping.defaults(), CharacterPolicy.NORMALISE);

        Prompt prompt = normalising.parse("{\"prompt\":\"\u201cCaf\u00e9\u201d costs 3\u00a0\u2013 1\u2026\\tok?\\r\\nSay \u2018yes\u2019\","
                + "\"response\":\"2 \u00d7 1 #### 2\"}");

        assertThat(prompt.getPrompt()).isEqualTo("\"Cafe\" costs 3 - 1... ok?\nSay 'yes'");
        assertThat(prompt.getResponse()).isEqualTo("2 * 1 #### 2");
        assertThatThrownBy(() -> normalising.parse("{\"prompt\":\"\u4e8c\u52a0\u4e8c\",\"response\":\"4\"}"))
                .isInstanceOf(RejectedLineException.class).hasMessageContaining("U+4E8C");
    }
}
