package io.kdstream.producers;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.producers.ingest.CharacterPolicy;
import io.kdstream.producers.ingest.FieldMapping;

/**
 * The producer's settings ({@code kdstream.producer.*}); Kafka client properties pass through.
 *
 * @param dataset      dataset of lines that do not name one
 * @param maxChars     longest prompt plus response accepted
 * @param maxLineBytes longest input line read; a longer one is rejected without being held in memory
 * @param fields       which JSON names hold which Prompt field ({@code kdstream.producer.fields=prompt=question,...})
 * @param characters   what happens to characters the tokenizer cannot encode ({@code reject} or {@code normalise})
 * @param tokenizer    {@code char} (the default) or the path of a Hugging Face {@code tokenizer.json}, whose chat
 *                     template renders prompts and chats
 * @param chatTemplate a Jinja file that replaces the tokenizer's chat template; blank for the tokenizer's own
 */
public record PromptProducerConfig(Settings settings, String dataset, int maxChars, int maxLineBytes, FieldMapping fields,
                                   CharacterPolicy characters, String tokenizer, String chatTemplate) {

    public static final String FIELDS = "kdstream.producer.fields";
    public static final String CHARACTERS = "kdstream.producer.characters";
    public static final String TOKENIZER = "kdstream.producer.tokenizer";
    public static final String CHAT_TEMPLATE = "kdstream.producer.chat.template";

    public static PromptProducerConfig from(Settings settings) {
        String characters = settings.string(CHARACTERS, "reject");
        CharacterPolicy policy;
        try {
            policy = CharacterPolicy.parse(characters);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting '" + CHARACTERS + "' is '" + characters + "'; expected reject or normalise");
        }
        return new PromptProducerConfig(settings,
                settings.string("kdstream.producer.dataset", "sdg"),
                settings.integer("kdstream.producer.max.chars", 4000),
                settings.integer("kdstream.producer.max.line.bytes", 1 << 20),
                FieldMapping.parse(settings.string(FIELDS, "")),
                policy,
                settings.string(TOKENIZER, Tokenizers.CHAR),
                settings.string(CHAT_TEMPLATE, ""));
    }
}
