package io.kdstream.producers;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import io.kdstream.producers.ingest.CharacterPolicy;
import io.kdstream.producers.ingest.FieldMapping;

import java.util.List;

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

    private static final String DATASET = "kdstream.producer.dataset";
    private static final String MAX_CHARS = "kdstream.producer.max.chars";
    private static final String MAX_LINE_BYTES = "kdstream.producer.max.line.bytes";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(DATASET, Type.STRING, "sdg", Importance.MEDIUM, "dataset of lines that do not name one")
            .define(MAX_CHARS, Type.INT, 4000, Validators.atLeast(1), Importance.MEDIUM, "longest prompt plus response accepted")
            .define(MAX_LINE_BYTES, Type.INT, 1 << 20, Validators.atLeast(1), Importance.LOW,
                    "longest input line read; a longer one is rejected without being held in memory")
            .define(FIELDS, Type.STRING, "", Importance.MEDIUM,
                    "which JSON names hold which Prompt field (prompt=question,response=answer); blank: the Prompt's own names")
            .define(CHARACTERS, Type.STRING, "reject", Validators.oneOf(PromptProducerConfig::characters, List.of("reject", "normalise")),
                    Importance.MEDIUM, "what happens to characters the tokenizer cannot encode: the line is rejected, or"
                            + " typographic characters are replaced by plain ones first")
            .define(TOKENIZER, Type.STRING, Tokenizers.CHAR, Importance.HIGH, "char or the path of a Hugging Face"
                    + " tokenizer.json, whose chat template renders prompts and chats")
            .define(CHAT_TEMPLATE, Type.STRING, "", Importance.HIGH,
                    "a Jinja file that replaces the tokenizer's chat template; blank: the tokenizer's own");

    public static PromptProducerConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        return new PromptProducerConfig(settings,
                values.string(DATASET),
                values.integer(MAX_CHARS),
                values.integer(MAX_LINE_BYTES),
                FieldMapping.parse(values.string(FIELDS)),
                characters(values.string(CHARACTERS)),
                values.string(TOKENIZER),
                values.string(CHAT_TEMPLATE));
    }

    private static CharacterPolicy characters(String name) {
        try {
            return CharacterPolicy.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected reject or normalise", e);
        }
    }
}
