package io.kdstream.producers.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kdstream.producers.publish.PromptIds;
import io.kdstream.schemas.avro.ChatMessage;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.kdstream.producers.ingest.FieldMapping.DATASET;
import static io.kdstream.producers.ingest.FieldMapping.EXPECTED_ANSWER;
import static io.kdstream.producers.ingest.FieldMapping.MESSAGES;
import static io.kdstream.producers.ingest.FieldMapping.METADATA;
import static io.kdstream.producers.ingest.FieldMapping.PROMPT;
import static io.kdstream.producers.ingest.FieldMapping.RESPONSE;
import static io.kdstream.producers.ingest.FieldMapping.SOURCE;
import static io.kdstream.producers.ingest.FieldMapping.SPLIT;

/**
 * Turns one JSONL line into a Prompt. Accepted shapes: {@code prompt}/{@code response} pairs, chat
 * {@code messages} ({@link ChatTranscript}), and OpenMathInstruct-2 fields ({@code problem},
 * {@code generated_solution}, {@code expected_answer}); other names through a {@link FieldMapping}. Optional:
 * {@code dataset}, {@code split}, {@code expected_answer}, {@code source} and a {@code metadata} object. Text the
 * tokenizer cannot encode is handled by the {@link CharacterPolicy}, and prompts are rendered by the tokenizer
 * ({@link PromptText}).
 */
public final class JsonlPromptParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String defaultDataset;
    private final String source;
    private final int maxChars;
    private final FieldMapping fields;
    private final PromptText text;

    public JsonlPromptParser(String defaultDataset, String source, int maxChars, FieldMapping fields, PromptText text) {
        this.defaultDataset = defaultDataset;
        this.source = source;
        this.maxChars = maxChars;
        this.fields = fields;
        this.text = text;
    }

    public Prompt parse(String line) throws RejectedLineException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RejectedLineException("not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RejectedLineException("not a JSON object");
        }
        String prompt = text(node, PROMPT);
        String response = text(node, RESPONSE);
        List<ChatMessage> messages = List.of();
        JsonNode chat = field(node, MESSAGES);
        if (prompt == null && response == null && chat != null) {
            ChatTranscript transcript = ChatTranscript.parse(chat, fields.describe(MESSAGES), text);
            messages = transcript.messages();
            prompt = transcript.prompt();
            response = transcript.response();
        } else {
            require(prompt, PROMPT);
            require(response, RESPONSE);
            prompt = text.renderPrompt(text.clean(prompt, fields.describe(PROMPT)), fields.describe(PROMPT));
            response = text.clean(response, fields.describe(RESPONSE));
        }
        if (prompt.length() + response.length() > maxChars) {
            throw new RejectedLineException("prompt and response are " + (prompt.length() + response.length())
                    + " characters, over the limit of " + maxChars + " (kdstream.producer.max.chars)");
        }
        String expectedAnswer = text(node, EXPECTED_ANSWER);
        String dataset = orDefault(text(node, DATASET), defaultDataset);
        return Prompt.newBuilder()
                .setId(PromptIds.contentHash(dataset, prompt, response))
                .setDataset(dataset)
                .setSplit(split(text(node, SPLIT)))
                .setPrompt(prompt)
                .setResponse(response)
                .setMessages(messages)
                .setExpectedAnswer(expectedAnswer == null ? null : text.clean(expectedAnswer, fields.describe(EXPECTED_ANSWER)))
                .setSource(orDefault(text(node, SOURCE), source))
                .setMetadata(metadata(field(node, METADATA)))
                .setCreatedAt(Instant.now())
                .build();
    }

    private void require(String value, String field) throws RejectedLineException {
        if (value == null) {
            String chatHint = field.equals(PROMPT) ? " (or chat '" + fields.describe(MESSAGES) + "')" : "";
            throw new RejectedLineException("missing field '" + fields.describe(field) + "'" + chatHint);
        }
        if (value.isBlank()) {
            throw new RejectedLineException("empty field '" + fields.describe(field) + "'");
        }
    }

    private Split split(String value) throws RejectedLineException {
        if (value == null) {
            return Split.TRAIN;
        }
        try {
            return Split.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RejectedLineException("field '" + fields.describe(SPLIT) + "' is '" + value + "'; expected train, validation or test");
        }
    }

    private Map<String, String> metadata(JsonNode node) throws RejectedLineException {
        Map<String, String> out = new TreeMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new RejectedLineException("field '" + fields.describe(METADATA) + "' must be an object");
        }
        node.fields().forEachRemaining(entry -> out.put(entry.getKey(), entry.getValue().isTextual() ? entry.getValue().asText() : entry.getValue().toString()));
        return out;
    }

    /** The first of the field's names present in the line, or null. */
    private JsonNode field(JsonNode node, String field) {
        for (String name : fields.namesOf(field)) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    private String text(JsonNode node, String field) throws RejectedLineException {
        JsonNode value = field(node, field);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new RejectedLineException("field '" + fields.describe(field) + "' must be a string");
        }
        return value.asText();
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
