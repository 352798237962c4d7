package io.kdstream.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * What a Hugging Face {@code tokenizer_config.json} adds to {@code tokenizer.json}: the special tokens that end and pad
 * a sequence, and the chat template. Special tokens are strings, or {@code {"content": ...}} objects in older files.
 *
 * @param specialTokens {@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} where set
 * @param chatTemplate  the {@code chat_template}, when the file has one
 */
record TokenizerConfigFile(Map<String, String> specialTokens, Optional<String> chatTemplate) {

    static final String EOS = "eos_token";
    static final String PAD = "pad_token";
    private static final String[] SPECIAL_TOKEN_NAMES = {"bos_token", EOS, PAD, "unk_token"};

    static TokenizerConfigFile read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        Map<String, String> specials = new LinkedHashMap<>();
        for (String name : SPECIAL_TOKEN_NAMES) {
            JsonNode token = root.path(name);
            JsonNode content = token.isObject() ? token.path("content") : token;
            if (content.isTextual()) {
                specials.put(name, content.asText());
            }
        }
        JsonNode template = root.path("chat_template");
        if (template.isArray()) {
            // a list of named templates: the default one is what a chat is rendered with
            template = StreamSupport.stream(template.spliterator(), false)
                    .filter(named -> named.path("name").asText().equals("default")).map(named -> named.path("template"))
                    .findFirst().orElse(root.path("missing"));
        }
        return new TokenizerConfigFile(Map.copyOf(specials), template.isTextual() ? Optional.of(template.asText()) : Optional.empty());
    }
}
