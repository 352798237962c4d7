package io.kdstream.producers.generate;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.schemas.avro.Prompt;

import java.util.Locale;

/** Generated examples as JSONL lines in the shape {@code kdstream produce} reads back, metadata (code tests) included. */
public final class PromptJsonl {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PromptJsonl() {
    }

    public static String line(Prompt prompt) {
        ObjectNode node = JSON.createObjectNode()
                .put("dataset", prompt.getDataset())
                .put("split", prompt.getSplit().name().toLowerCase(Locale.ROOT))
                .put("prompt", prompt.getPrompt())
                .put("response", prompt.getResponse());
        if (prompt.getExpectedAnswer() != null) {
            node.put("expected_answer", prompt.getExpectedAnswer());
        }
        node.put("source", prompt.getSource());
        ObjectNode metadata = node.putObject("metadata");
        prompt.getMetadata().forEach(metadata::put);
        return node.toString();
    }
}
