package io.kdstream.platform.config;

import org.apache.kafka.common.config.ConfigDef;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A service's {@code kdstream.*} settings read through its {@link ConfigDef}: each key typed, defaulted and validated as
 * its definition says, in one place. The layers ({@link Settings}) are read first; keys the definition does not name are
 * not read here (Kafka client properties pass through {@link Settings#clientProperties()}).
 */
public final class ConfigValues {

    private final Map<String, Object> values;
    private final Set<String> given;

    private ConfigValues(Map<String, Object> values, Set<String> given) {
        this.values = values;
        this.given = given;
    }

    /**
     * Reads every key {@code definition} names. A blank value counts as unset (its default), as an empty environment
     * variable does; a key without a default must be set, and the message says how.
     */
    public static ConfigValues read(ConfigDef definition, Settings settings) {
        Map<String, String> given = new HashMap<>();
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            String value = settings.asMap().get(key.name);
            boolean blank = value == null || value.isBlank();
            if (!key.hasDefault() && blank) {
                settings.required(key.name); // throws, naming the environment variable as well
            }
            if (!blank) {
                given.put(key.name, value);
            }
        }
        try {
            return new ConfigValues(definition.parse(given), Set.copyOf(given.keySet()));
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Whether the key was given a value, rather than taking its default. */
    public boolean isSet(String key) {
        return given.contains(key);
    }

    public String string(String key) {
        return (String) value(key);
    }

    public Integer integer(String key) {
        return (Integer) value(key);
    }

    public Long longValue(String key) {
        return (Long) value(key);
    }

    public Double decimal(String key) {
        return (Double) value(key);
    }

    public Boolean bool(String key) {
        return (Boolean) value(key);
    }

    /** The value as a path, or null when the key has none. */
    public Path path(String key) {
        String value = string(key);
        return value == null ? null : Path.of(value);
    }

    private Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("'" + key + "' is not among the definitions read");
        }
        return values.get(key);
    }
}
