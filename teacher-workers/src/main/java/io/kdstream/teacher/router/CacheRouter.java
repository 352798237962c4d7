package io.kdstream.teacher.router;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.StreamsService;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.streams.Topology;

import java.util.List;
import java.util.Map;

/** The cache router as a service: the {@link CacheRouterTopology} running in Kafka Streams. */
public final class CacheRouter extends StreamsService {

    public static final String SERVICE = "kdstream-router";

    private final CacheRouterConfig config;

    public CacheRouter(CacheRouterConfig config) {
        super(SERVICE + "-" + config.teacherFingerprint());
        this.config = config;
    }

    @Override
    protected Topology topology() {
        TopicAdmin.ensureTopics(config.settings().clientProperties(),
                List.of(TopicCatalogue.PROMPTS, TopicCatalogue.TEACHER_REQUESTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        return CacheRouterTopology.build(config.teacherFingerprint(), new TopicCatalogue(streamsProperties()));
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
