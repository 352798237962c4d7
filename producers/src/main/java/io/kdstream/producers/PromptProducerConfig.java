package io.kdstream.producers;

import io.kdstream.platform.config.Settings;

/** The producer's settings ({@code kdstream.producer.*}); Kafka client properties pass through. */
public record PromptProducerConfig(Settings settings, String dataset, int maxChars) {

    public static PromptProducerConfig from(Settings settings) {
        return new PromptProducerConfig(settings,
                settings.string("kdstream.producer.dataset", "sdg"),
                settings.integer("kdstream.producer.max.chars", 4000));
    }
}
