package io.kdstream.cli.commands;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a command reaches Kafka and the registry: a properties file, then the environment, then these flags.
 * {@code -D key=value} sets any kdstream setting or Kafka client property (TLS, SASL, tuning).
 */
public final class ClientOptions {

    @Option(names = "--config", description = "properties file with kdstream settings and Kafka client properties")
    Path config;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: localhost:9092)")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible schema registry API (default: http://localhost:8081/apis/ccompat/v7)")
    String schemaRegistryUrl;

    @Option(names = "--http-port", description = "serve /health/live, /health/ready and /metrics on this port (services only)")
    Integer httpPort;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "any setting, e.g. -D kdstream.trainer.steps=500 -D security.protocol=SSL")
    Map<String, String> overrides = new LinkedHashMap<>();

    public Settings settings() {
        Map<String, String> flags = new LinkedHashMap<>(overrides);
        if (bootstrapServers != null) {
            flags.put(Settings.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (httpPort != null) {
            flags.put(ServiceRunner.HTTP_PORT, httpPort.toString());
        }
        if (schemaRegistryUrl != null) {
            flags.put(Settings.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        }
        return Settings.load(config, System.getenv(), flags).withDefaults(Settings.LOCAL_DEFAULTS);
    }
}
