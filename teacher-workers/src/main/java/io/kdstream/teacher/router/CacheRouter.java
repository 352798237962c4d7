package io.kdstream.teacher.router;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.StreamsService;
import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.registry.SchemaRegistry;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.streams.Topology;

import java.util.List;
import java.util.Map;

/** The cache router as a service: the {@link CacheRouterTopology} running in Kafka Streams. */
public final class CacheRouter extends StreamsService {

    public static final String SERVICE = "kdstream-router";

    private final CacheRouterConfig config;
    private RegistryWait registryWait;

    public CacheRouter(CacheRouterConfig config) {
        super(SERVICE + "-" + config.teacherFingerprint());
        this.config = config;
    }

    @Override
    protected Topology topology() {
        TopicAdmin.ensureTopics(config.settings().clientProperties(),
                List.of(TopicCatalogue.PROMPTS, TopicCatalogue.TEACHER_REQUESTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        // a stream thread waits for an unreachable registry rather than fail (see RegistryWait.blocking)
        registryWait = new RegistryWait(name(), SchemaRegistry.of(RegistryEndpoint.from(streamsProperties())));
        TopicCatalogue topics = new TopicCatalogue(streamsProperties(), registryWait.blocking(this::closing));
        return CacheRouterTopology.build(config.teacherFingerprint(), topics);
    }

    /**
     * What fails a stream thread for the registry all the same (the dead-letter handler's own serializer, a wait given
     * up) is waited out too, and the replaced thread reads the record again: never a dead letter for an outage.
     */
    @Override
    protected boolean waitedOut(Throwable failure) {
        return registryWait.waitedOut(failure, this::closing);
    }

    @Override
    protected Map<String, Object> streamsProperties() {
        return config.streamsProperties();
    }

    /** Runs the router; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link CacheRouterConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new CacheRouter(CacheRouterConfig.from(settings)), settings);
    }
}
