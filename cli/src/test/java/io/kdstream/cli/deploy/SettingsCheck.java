package io.kdstream.cli.deploy;

import io.kdstream.platform.config.Settings;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a container's environment means to kdstream, through the real Settings mapping. */
final class SettingsCheck {

    private static final Set<String> KDSTREAM_KEYS = ConfigKeys.kdstreamKeys();
    private static final Set<String> CLIENT_KEYS = ConfigKeys.clientKeys();

    private SettingsCheck() {
    }

    /** The settings a service's main builds from this environment (no properties file). */
    static Settings settings(Map<String, String> env) {
        return Settings.load(null, env, Map.of());
    }

    /** Every KDSTREAM_* variable names a setting kdstream reads; every KAFKA_* one a Kafka client property. */
    static void assertEveryVariableIsASettingKdstreamReads(String where, Map<String, String> env) {
        env.forEach((name, value) -> {
            // one variable at a time through the real mapping, to name the variable that is wrong
            Set<String> keys = settings(Map.of(name, value)).asMap().keySet();
            for (String key : keys) {
                if (key.startsWith(Settings.KDSTREAM_PREFIX)) {
                    assertThat(KDSTREAM_KEYS).as(where + ": " + name + " is " + key + ", which no kdstream configuration reads").contains(key);
                } else {
                    assertThat(CLIENT_KEYS).as(where + ": " + name + " is " + key + ", which no Kafka client reads").contains(key);
                }
            }
        });
    }
}
