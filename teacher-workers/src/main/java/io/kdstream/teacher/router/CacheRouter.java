package io.kdstream.teacher.router;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.StreamsService;
import io.kdstream.schemas.registry.RegistryWait;
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
        TopicCatalogue topics = new TopicCatalogue(streamsProperties());
        registryWait = new RegistryWait(name(), topics.registry());
        return CacheRouterTopology.build(config.teacherFingerprint(), topics);
    }

    /** A prompt of a schema id not yet known while the registry is away is read again once it answers, not dead-lettered. */
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
