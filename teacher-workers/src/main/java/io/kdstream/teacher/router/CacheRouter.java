package io.kdstream.teacher.router;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.Service;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The cache router as a service: the {@link CacheRouterTopology} running in Kafka Streams. */
public final class CacheRouter implements Service {

    private static final Logger log = LoggerFactory.getLogger(CacheRouter.class);
    public static final String SERVICE = "kdstream-router";

    private final CacheRouterConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaStreams streams;

    public CacheRouter(CacheRouterConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return SERVICE + "-" + config.teacherFingerprint();
    }

    @Override
    public synchronized void start() {
        Map<String, Object> props = config.streamsProperties();
        TopicAdmin.ensureTopics(config.settings().clientProperties(),
                List.of(TopicCatalogue.PROMPTS, TopicCatalogue.TEACHER_REQUESTS, TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.DEAD_LETTER));
        streams = new KafkaStreams(CacheRouterTopology.build(config.teacherFingerprint(), new TopicCatalogue(props)), new StreamsConfig(props));
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", name(), before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.start();
    }

    @Override
    public boolean isAlive() {
        return streams == null || streams.state() != KafkaStreams.State.ERROR;
    }

    /** True once the router is processing (all tasks assigned and restored). */
    @Override
    public boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        stopped.countDown();
    }

    /** Runs the router; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link CacheRouterConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new CacheRouter(CacheRouterConfig.from(settings)), settings);
    }
}
