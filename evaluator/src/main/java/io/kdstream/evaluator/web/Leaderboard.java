package io.kdstream.evaluator.web;

import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.evaluator.leaderboard.LeaderboardTopology;
import io.kdstream.evaluator.leaderboard.RunStanding;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.platform.service.StreamsService;
import io.kdstream.schemas.registry.RegistryEndpoint;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.registry.SchemaRegistry;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The leaderboard as a service: the {@link LeaderboardTopology} in Kafka Streams, its store served by {@link LeaderboardHttp}. */
public final class Leaderboard extends StreamsService {

    private static final Logger log = LoggerFactory.getLogger(Leaderboard.class);

    private final LeaderboardConfig config;
    private LeaderboardHttp http;
    private RegistryWait registryWait;

    public Leaderboard(LeaderboardConfig config) {
        super(LeaderboardConfig.SERVICE);
        this.config = config;
    }

    @Override
    protected Topology topology() {
        TopicAdmin.ensureTopics(config.settings().clientProperties(), List.of(TopicCatalogue.EVALS, TopicCatalogue.DEAD_LETTER));
        // a stream thread waits for an unreachable registry rather than fail (see RegistryWait.blocking)
        registryWait = new RegistryWait(name(), SchemaRegistry.of(RegistryEndpoint.from(streamsProperties())));
        TopicCatalogue topics = new TopicCatalogue(streamsProperties(), registryWait.blocking(this::closing));
        return LeaderboardTopology.build(topics, name());
    }

    /** What fails a stream thread for the registry all the same is waited out, and the replaced thread reads it again. */
    @Override
    protected boolean waitedOut(Throwable failure) {
        return registryWait.waitedOut(failure, this::closing);
    }

    @Override
    protected Map<String, Object> streamsProperties() {
        return config.streamsProperties();
    }

    @Override
    public synchronized void start() {
        super.start();
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
            ReadOnlyKeyValueStore<String, RunStanding> store = streams().store(
                    StoreQueryParameters.fromNameAndType(LeaderboardTopology.STANDINGS_STORE, QueryableStoreTypes.keyValueStore()));
            List<RunStanding> out = new ArrayList<>();
            try (KeyValueIterator<String, RunStanding> all = store.all()) {
                all.forEachRemaining(entry -> out.add(entry.value));
            }
            return out;
        } catch (InvalidStateStoreException e) {
            throw new LeaderboardHttp.Unavailable("the leaderboard is not ready (Kafka Streams is " + streams().state() + "); retry shortly", e);
        }
    }

    /** The HTTP port, once started. */
    public int port() {
        return http.port();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        super.close();
    }

    /** Runs the leaderboard; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link LeaderboardConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new Leaderboard(LeaderboardConfig.from(settings)), settings);
    }
}
