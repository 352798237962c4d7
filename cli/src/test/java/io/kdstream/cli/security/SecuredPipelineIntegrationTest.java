package io.kdstream.cli.security;

import io.kdstream.cli.demo.PipelineScenario;
import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.platform.kafka.ServiceUser;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/**
 * The whole pipeline ({@link PipelineScenario}) on the secured embedded platform, every service as its own principal
 * with only its ACLs ({@link ServiceAccounts}); the scenario's own checks read as the ops user.
 */
class SecuredPipelineIntegrationTest extends PipelineScenario {

    private final EmbeddedPlatform platform = EmbeddedPlatform.startSecured(KdstreamHome.path(), TopicCatalogue.ALL, ServiceAccounts.USERS);

    @Override
    protected Settings platform() {
        return Settings.of(platform.clientProperties(ServiceAccounts.OPS.name()));
    }

    @Override
    protected Map<String, String> serviceClients(String service) {
        ServiceUser user = ServiceAccounts.USERS.stream().filter(candidate -> candidate.name().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no principal for service " + service));
        return platform.clientProperties(user.name());
    }

    @AfterAll
    void stopPlatform() {
        platform.close();
    }
}
