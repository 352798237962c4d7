package io.kdstream.evaluator.leaderboard;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.Service;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The leaderboard as a service: the {@link LeaderboardTopology} in Kafka Streams, its store served by {@link LeaderboardHttp}. */
public final class Leaderboard implements Service {

    private static final Logger log = LoggerFactory.getLogger(Leaderboard.class);

    private final LeaderboardConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaStreams streams;
    private LeaderboardHttp http;

    public Leaderboard(LeaderboardConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return LeaderboardConfig.SERVICE;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> props = config.streamsProperties();
        TopicAdmin.ensureTopics(config.settings().clientProperties(), List.of(TopicCatalogue.EVALS, TopicCatalogue.DEAD_LETTER));
        streams = new KafkaStreams(LeaderboardTopology.build(new TopicCatalogue(props), name()), new StreamsConfig(props));
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", name(), before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.start();
        try {
            http = new LeaderboardHttp(config.host(), config.port(), config.refreshSeconds(), this::standings);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot serve the leaderboard on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        log.info("{}: serving http://{}:{}/ and /api/leaderboard", name(), config.host(), http.port());
    }

    /** Every standing in the store. */
    public List<RunStanding> standings() {
        try {
            ReadOnlyKeyValueStore<String, RunStanding> store = streams.store(
                    StoreQueryParameters.fromNameAndType(LeaderboardTopology.STANDINGS_STORE, QueryableStoreTypes.keyValueStore()));
            List<RunStanding> out = new ArrayList<>();
            try (KeyValueIterator<String, RunStanding> all = store.all()) {
                all.forEachRemaining(entry -> out.add(entry.value));
            }
            return out;
        } catch (InvalidStateStoreException e) {
            throw new LeaderboardHttp.Unavailable("the leaderboard is not ready (Kafka Streams is " + streams.state() + "); retry shortly", e);
        }
    }

    /** Liveness: false once Kafka Streams has stopped on an error. */
    @Override
    public boolean isAlive() {
        return streams == null || streams.state() != KafkaStreams.State.ERROR;
    }

    /** Readiness: the standings can be read (Kafka Streams is running). */
    @Override
    public boolean isReady() {
        return streams != null && streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The HTTP port, once started. */
    public int port() {
        return http.port();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        stopped.countDown();
    }

    /** Runs the leaderboard; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link LeaderboardConfig}). */
    public static void main(String[] args) throws InterruptedException {
        ServiceRunner.runUntilStopped(new Leaderboard(LeaderboardConfig.from(Settings.fromProcessEnvironment())));
    }
}
