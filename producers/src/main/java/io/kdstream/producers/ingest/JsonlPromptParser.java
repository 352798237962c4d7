package io.kdstream.producers.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kdstream.producers.PromptIds;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one JSONL line into a Prompt. Accepted shapes: {@code prompt}/{@code response} pairs and
 * OpenMathInstruct-2 fields ({@code problem}, {@code generated_solution}, {@code expected_answer}); optional
 * {@code dataset}, {@code split}, {@code expected_answer}, {@code source} and a {@code metadata} object.
 */
public final class JsonlPromptParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String defaultDataset;
    private final String source;
    private final int maxChars;

    public JsonlPromptParser(String defaultDataset, String source, int maxChars) {
        this.defaultDataset = defaultDataset;
        this.source = source;
        this.maxChars = maxChars;
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
        String prompt = firstText(node, "prompt", "problem");
        String response = firstText(node, "response", "generated_solution");
        require(prompt, "prompt (or problem)");
        require(response, "response (or generated_solution)");
        if (prompt.length() + response.length() > maxChars) {
            throw new RejectedLineException("prompt and response are " + (prompt.length() + response.length())
                    + " characters, over the limit of " + maxChars + " (kdstream.producer.max.chars)");
        }
        String dataset = orDefault(text(node, "dataset"), defaultDataset);
        return Prompt.newBuilder()
                .setId(PromptIds.contentHash(dataset, prompt, response))
                .setDataset(dataset)
                .setSplit(split(text(node, "split")))
                .setPrompt(prompt)
                .setResponse(response)
                .setExpectedAnswer(text(node, "expected_answer"))
                .setSource(orDefault(text(node, "source"), source))
                .setMetadata(metadata(node.get("metadata")))
                .setCreatedAt(Instant.now())
                .build();
    }

    private static void require(String value, String field) throws RejectedLineException {
        if (value == null) {
            throw new RejectedLineException("missing field '" + field + "'");
        }
        if (value.isBlank()) {
            throw new RejectedLineException("empty field '" + field + "'");
        }
    }

    private static Split split(String value) throws RejectedLineException {
        if (value == null) {
            return Split.TRAIN;
        }
        try {
            return Split.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RejectedLineException("field 'split' is '" + value + "'; expected train, validation or test");
        }
    }

    private static Map<String, String> metadata(JsonNode node) throws RejectedLineException {
        Map<String, String> out = new TreeMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new RejectedLineException("field 'metadata' must be an object");
        }
        node.fields().forEachRemaining(entry -> out.put(entry.getKey(), entry.getValue().isTextual() ? entry.getValue().asText() : entry.getValue().toString()));
        return out;
    }

    private static String firstText(JsonNode node, String name, String alternative) throws RejectedLineException {
        String value = text(node, name);
        return value != null ? value : text(node, alternative);
    }

    private static String text(JsonNode node, String field) throws RejectedLineException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new RejectedLineException("field '" + field + "' must be a string");
        }
        return value.asText();
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
