package io.kdstream.cli.demo;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.testing.EmbeddedPlatformExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

/** The end-to-end scenario ({@link PipelineScenario}) on the embedded broker and registry, in every build. */
@ExtendWith(EmbeddedPlatformExtension.class)
class PipelineIntegrationTest extends PipelineScenario {

    private final EmbeddedPlatform platform;

    PipelineIntegrationTest(EmbeddedPlatform platform) {
        this.platform = platform;
    }

    @Override
    protected Settings platform() {
        return Settings.of(Map.of(
                Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
    }
}
