package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.registry.SchemaRegistry;

import java.util.Map;

/** The serde settings, under the names Confluent's serdes use, so either can be configured the same way. */
final class SerdeSettings {
    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String SPECIFIC_READER = "specific.avro.reader";

    private SerdeSettings() {
    }

    /** The registry the settings name, with their credentials ({@link RegistryEndpoint}), or the in-memory one of a {@code mock://} URL. */
    static SchemaRegistry registry(Map<String, ?> configs) {
        return SchemaRegistry.of(RegistryEndpoint.from(configs));
    }

    static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString());
    }

    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
