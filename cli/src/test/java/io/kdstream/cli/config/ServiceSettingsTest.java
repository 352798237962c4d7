package io.kdstream.cli.config;

import io.kdstream.platform.config.Settings;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every defined setting can be set from the environment, is documented, and belongs to one service. */
class ServiceSettingsTest {

    @Test
    void everySettingReachesItsServiceFromTheEnvironment() {
        for (String key : ServiceSettings.keys()) {
            String variable = Settings.envName(key);
            assertThat(Settings.load(null, Map.of(variable, "x"), Map.of()).asMap())
                    .as(variable + " sets " + key).containsExactly(Map.entry(key, "x"));
        }
    }

    @Test
    void everySettingIsDocumentedOnceWithItsServicesPrefix() {
        Set<String> seen = new HashSet<>();
        for (ServiceSettings.Section section : ServiceSettings.SECTIONS) {
            for (ConfigKey key : section.definition().configKeys().values()) {
                assertThat(seen.add(key.name)).as(key.name + " is defined by one service only").isTrue();
                assertThat(key.documentation).as(key.name + "'s documentation").isNotBlank();
            }
        }
        assertThat(ServiceSettings.named("trainer").definition().names()).allMatch(key -> key.startsWith("kdstream.trainer."));
        assertThat(ServiceSettings.named("teacher-worker").definition().names()).allMatch(key -> key.startsWith("kdstream.teacher."));
    }
}
