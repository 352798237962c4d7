package io.kdstream.platform.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void shouldLayerFileThenEnvironmentThenOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, "kdstream.trainer.steps=10\nkdstream.trainer.batch=4\nsecurity.protocol=PLAINTEXT\n");
        Settings settings = Settings.load(file,
                Map.of("KDSTREAM_TRAINER_STEPS", "20", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "HOME", "/root"),
                Map.of("kdstream.trainer.batch", "8"));

        assertThat(settings.integer("kdstream.trainer.steps", 0)).isEqualTo(20);
        assertThat(settings.integer("kdstream.trainer.batch", 0)).isEqualTo(8);
        assertThat(settings.string("security.protocol", null)).isEqualTo("SASL_SSL");
        assertThat(settings.asMap()).doesNotContainKey("home");
    }

    @Test
    void shouldPassKafkaClientPropertiesThroughUntouched() {
        Settings settings = Settings.of(Map.of(
                "kdstream.trainer.steps", "5",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "bootstrap.servers", "broker:9093"));

        assertThat(settings.clientProperties()).containsOnly(
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;"),
                Map.entry("bootstrap.servers", "broker:9093"));
        assertThat(settings.toString()).doesNotContain("PlainLoginModule");
    }

    @Test
    void shouldHandTheSerdesTheirOwnSettingsWithTheClientProperties() {
        Settings settings = Settings.of(Map.of(
                "kdstream.trainer.steps", "5",
                "kdstream.serde.avro.class", "org.example.OtherSerde",
                "bootstrap.servers", "broker:9093"));

        assertThat(settings.clientProperties()).containsOnly(
                Map.entry("kdstream.serde.avro.class", "org.example.OtherSerde"),
                Map.entry("bootstrap.servers", "broker:9093"));
    }

    @Test
    void shouldNameTheSettingWhenAValueIsInvalidOrMissing() {
        Settings settings = Settings.of(Map.of("kdstream.trainer.steps", "ten"));

        assertThatThrownBy(() -> settings.integer("kdstream.trainer.steps", 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kdstream.trainer.steps").hasMessageContaining("ten");
        assertThatThrownBy(() -> settings.required("kdstream.trainer.run.id"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KDSTREAM_TRAINER_RUN_ID");
    }
}
