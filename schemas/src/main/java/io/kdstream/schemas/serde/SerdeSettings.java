package io.kdstream.schemas.serde;

import io.kdstream.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.common.config.ConfigException;

import java.util.Map;

/** The serde settings, under the names Confluent's serdes use, so either can be configured the same way. */
final class SerdeSettings {
    static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String SPECIFIC_READER = "specific.avro.reader";

    private SerdeSettings() {
    }

    static SchemaRegistryClient client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException("the Avro serde needs '" + SCHEMA_REGISTRY_URL + "' (the Confluent-compatible registry API)");
        }
        return new SchemaRegistryClient(url.toString());
    }

    static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString());
    }

    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
