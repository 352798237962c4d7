package io.kdstream.cli.deploy;

import io.kdstream.cli.demo.PipelineScenario;
import io.kdstream.platform.config.Settings;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.util.Map;

/**
 * The end-to-end scenario ({@link PipelineScenario}) against the broker and registry images that
 * docker/docker-compose.yml deploys, started by Testcontainers. Skipped where no Docker engine runs (as on the
 * project's build machines); the same scenario runs on the embedded platform in every build.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainersIntegrationTest extends PipelineScenario {

    private static final ComposeFile COMPOSE = ComposeFile.read("docker/docker-compose.yml");
    private static final int REGISTRY_PORT = 8080;

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse(COMPOSE.image("kafka")));

    // in-memory storage here (the compose file keeps schemas in Kafka, which would need the two on one network)
    @Container
    private static final GenericContainer<?> REGISTRY = new GenericContainer<>(DockerImageName.parse(COMPOSE.image("registry")))
            .withEnv("APICURIO_RULES_GLOBAL_COMPATIBILITY", COMPOSE.environment("registry").get("APICURIO_RULES_GLOBAL_COMPATIBILITY"))
            .withExposedPorts(REGISTRY_PORT)
            .waitingFor(Wait.forHttp("/health/ready").forPort(REGISTRY_PORT).forStatusCode(200));

    @Override
    protected Settings platform() {
        String registryPath = URI.create(Settings.LOCAL_DEFAULTS.get(Settings.SCHEMA_REGISTRY_URL)).getPath();
        return Settings.of(Map.of(
                Settings.BOOTSTRAP_SERVERS, KAFKA.getBootstrapServers(),
                Settings.SCHEMA_REGISTRY_URL, "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(REGISTRY_PORT) + registryPath));
    }
}
