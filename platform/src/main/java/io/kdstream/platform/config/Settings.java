package io.kdstream.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The layered configuration every kdstream service reads: a properties file, then environment variables, then
 * explicit overrides (command-line flags), each layer winning over the one before. Each service's own keys are then
 * typed, defaulted and validated by its {@code ConfigDef} ({@link ConfigValues}).
 *
 * <p>Keys starting with {@code kdstream.} belong to kdstream; every other key is a Kafka client property (or
 * {@code schema.registry.url}) and is passed to the clients untouched, so TLS, SASL and tuning work as in any
 * Kafka client. Environment variables map as {@code KDSTREAM_TRAINER_STEPS -> kdstream.trainer.steps} and
 * {@code KAFKA_SECURITY_PROTOCOL -> security.protocol} (the convention of Kafka's own images).
 */
public final class Settings {

    public static final String KDSTREAM_PREFIX = "kdstream.";
    /** kdstream settings that configure the serdes, handed to them with the client properties. */
    public static final String SERDE_PREFIX = "kdstream.serde.";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    private static final String ENV_KDSTREAM = "KDSTREAM_";
    private static final String ENV_KAFKA = "KAFKA_";

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * Loads the layers in order.
     *
     * @param file      a properties file, or null for none
     * @param env       the environment (usually {@code System.getenv()})
     * @param overrides explicit values, such as command-line flags
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            merged.putAll(readFile(file));
        }
        merged.putAll(fromEnvironment(env));
        merged.putAll(overrides);
        return new Settings(merged);
    }

    /**
     * What a service's {@code main} reads: the properties file named by {@code KDSTREAM_CONFIG} (if any), the
     * environment, then {@link #LOCAL_DEFAULTS} for what is still unset.
     */
    public static Settings fromProcessEnvironment() {
        String file = System.getenv("KDSTREAM_CONFIG");
        return load(file == null ? null : Path.of(file), System.getenv(), Map.of()).withDefaults(LOCAL_DEFAULTS);
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_KDSTREAM) && name.length() > ENV_KDSTREAM.length()) {
                out.put(KDSTREAM_PREFIX + envToKey(name.substring(ENV_KDSTREAM.length())), value);
            } else if (name.startsWith(ENV_KAFKA) && name.length() > ENV_KAFKA.length()) {
                out.put(envToKey(name.substring(ENV_KAFKA.length())), value);
            }
        });
        return out;
    }

    private static String envToKey(String rest) {
        return rest.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> out.put(name, properties.getProperty(name).trim()));
        return out;
    }

    /** A copy in which keys that are not set take these values. */
    public Settings withDefaults(Map<String, String> defaults) {
        Map<String, String> merged = new TreeMap<>(defaults);
        merged.putAll(values);
        return new Settings(merged);
    }

    /** A copy with more values layered on top. */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new Settings(merged);
    }

    public String string(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    public String required(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException("missing required setting '" + key + "' (set it in the properties file, as "
                    + envName(key) + " in the environment, or on the command line)");
        }
        return value;
    }

    public int integer(String key, int defaultValue) {
        return parse(key, defaultValue, Integer::parseInt);
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new ConfigException("setting '" + key + "' has the invalid value '" + value + "': " + e.getMessage(), e);
        }
    }

    /**
     * Everything that is not a kdstream setting: Kafka client properties and {@code schema.registry.url}; and the
     * serdes' own settings ({@code kdstream.serde.*}), which travel in the client properties as every serializer's
     * configuration does.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> out = new TreeMap<>();
        values.forEach((key, value) -> {
            if (!key.startsWith(KDSTREAM_PREFIX) || key.startsWith(SERDE_PREFIX)) {
                out.put(key, value);
            }
        });
        return out;
    }

    public String bootstrapServers() {
        return required(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return required(SCHEMA_REGISTRY_URL);
    }

    /** Where a Kafka broker and a Confluent-API registry usually listen on a developer's machine. */
    public static final Map<String, String> LOCAL_DEFAULTS = Map.of(
            BOOTSTRAP_SERVERS, "localhost:9092",
            SCHEMA_REGISTRY_URL, "http://localhost:8081/apis/ccompat/v7");

    public Map<String, String> asMap() {
        return values;
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        if (key.startsWith(KDSTREAM_PREFIX)) {
            return ENV_KDSTREAM + key.substring(KDSTREAM_PREFIX.length()).replace('.', '_').toUpperCase(Locale.ROOT);
        }
        return ENV_KAFKA + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((key, value) -> shown.put(key, isSecret(key) ? "[hidden]" : value));
        return shown.toString();
    }

    private static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas") || lower.contains("credentials");
    }
}
