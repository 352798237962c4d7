package io.kdstream.schemas.serde;

import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code kdstream.serde.avro.class}, set as any setting is, reaches the catalogue that every service builds its serdes from. */
class AvroSerdesTest {

    private static Map<String, Object> clientProperties(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("bootstrap.servers", "localhost:9092",
                "schema.registry.url", "mock://avro-serdes"));
        settings.putAll(extra);
        return Settings.of(settings).clientProperties();
    }

    @Test
    void shouldUseKdstreamsOwnSerdeByDefault() {
        assertThat(new TopicCatalogue(clientProperties(Map.of())).prompts().valueSerde()).isInstanceOf(AvroSerde.class);
    }

    @Test
    void shouldUseTheSerdeClassASettingNames() {
        TopicCatalogue catalogue = new TopicCatalogue(clientProperties(Map.of(AvroSerdes.SERDE_CLASS, Serdes.StringSerde.class.getName())));

        assertThat(catalogue.prompts().valueSerde()).isInstanceOf(Serdes.StringSerde.class);
    }

    @Test
    void shouldNameTheSettingWhenTheClassCannotBeMade() {
        assertThatThrownBy(() -> new TopicCatalogue(clientProperties(Map.of(AvroSerdes.SERDE_CLASS, "org.example.NoSuchSerde"))).prompts())
                .isInstanceOf(ConfigException.class).hasMessageContaining(AvroSerdes.SERDE_CLASS).hasMessageContaining("org.example.NoSuchSerde");
    }
}
