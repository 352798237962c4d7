package io.kdstream.platform.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigValuesTest {

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define("kdstream.test.steps", Type.LONG, 300L, Validators.atLeast(0), Importance.HIGH, "steps")
            .define("kdstream.test.share", Type.DOUBLE, 0.25, Validators.between(0, 1), Importance.LOW, "share")
            .define("kdstream.test.temperature", Type.DOUBLE, null, Validators.positive(), Importance.LOW, "unset: another")
            .define("kdstream.test.rebuild", Type.BOOLEAN, false, Importance.LOW, "rebuild")
            .define("kdstream.test.dir", Type.STRING, "checkpoints", Importance.LOW, "dir")
            .define("kdstream.test.variant", Type.STRING, "one", Validators.oneOf(ConfigValuesTest::variant, List.of("one", "two")),
                    Importance.LOW, "variant")
            .define("kdstream.test.run.id", Type.STRING, Importance.HIGH, "required");

    private static String variant(String name) {
        if (!List.of("one", "two").contains(name.trim().toLowerCase())) {
            throw new IllegalArgumentException("unknown variant '" + name + "'; expected one of [one, two]");
        }
        return name;
    }

    @Test
    void shouldTypeAndDefaultEveryKeyAndTellWhatWasSet() {
        ConfigValues values = ConfigValues.read(DEFINITION, Settings.of(Map.of("kdstream.test.run.id", "r",
                "kdstream.test.steps", " 20 ", "kdstream.test.rebuild", "TRUE", "kdstream.test.variant", "Two",
                "security.protocol", "SSL")));

        assertThat(values.longValue("kdstream.test.steps")).isEqualTo(20L);
        assertThat(values.decimal("kdstream.test.share")).isEqualTo(0.25);
        assertThat(values.decimal("kdstream.test.temperature")).isNull();
        assertThat(values.bool("kdstream.test.rebuild")).isTrue();
        assertThat(values.path("kdstream.test.dir")).isEqualTo(Path.of("checkpoints"));
        assertThat(values.string("kdstream.test.variant")).isEqualTo("Two");
        assertThat(values.isSet("kdstream.test.steps")).isTrue();
        assertThat(values.isSet("kdstream.test.share")).isFalse();
        assertThatThrownBy(() -> values.string("security.protocol")).hasMessageContaining("not among the definitions");
    }

    @Test
    void shouldTakeABlankValueAsUnsetAsAnEmptyEnvironmentVariable() {
        Settings settings = Settings.load(null, Map.of("KDSTREAM_TEST_STEPS", "", "KDSTREAM_TEST_RUN_ID", "r"), Map.of());

        ConfigValues values = ConfigValues.read(DEFINITION, settings);

        assertThat(values.longValue("kdstream.test.steps")).isEqualTo(300L);
        assertThat(values.isSet("kdstream.test.steps")).isFalse();
    }

    @Test
    void shouldNameTheSettingThatIsMissingOrInvalid() {
        assertThatThrownBy(() -> ConfigValues.read(DEFINITION, Settings.of(Map.of("kdstream.test.run.id", " "))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kdstream.test.run.id").hasMessageContaining("KDSTREAM_TEST_RUN_ID");
        for (Map.Entry<String, String> bad : List.of(Map.entry("kdstream.test.steps", "ten"), Map.entry("kdstream.test.steps", "-1"),
                Map.entry("kdstream.test.share", "1.5"), Map.entry("kdstream.test.temperature", "0"),
                Map.entry("kdstream.test.rebuild", "yes"), Map.entry("kdstream.test.variant", "three"))) {
            assertThatThrownBy(() -> ConfigValues.read(DEFINITION, Settings.of(Map.of("kdstream.test.run.id", "r", bad.getKey(), bad.getValue()))))
                    .as(bad.toString()).isInstanceOf(ConfigException.class).hasMessageContaining(bad.getKey()).hasMessageContaining(bad.getValue());
        }
        assertThatThrownBy(() -> ConfigValues.read(DEFINITION, Settings.of(Map.of("kdstream.test.run.id", "r", "kdstream.test.variant", "three"))))
                .hasMessageContaining("expected one of [one, two]");
    }

    @Test
    void shouldSayWhatEachValidatorAccepts() {
        assertThat(DEFINITION.configKeys().get("kdstream.test.variant").validator).hasToString("one, two");
        assertThat(DEFINITION.configKeys().get("kdstream.test.steps").validator).hasToString("[0,...]");
        assertThat(DEFINITION.configKeys().get("kdstream.test.temperature").validator).hasToString("(0,...)");
    }
}
