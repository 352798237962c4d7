package io.kdstream.evaluator.leaderboard;

import io.kdstream.platform.config.Settings;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The leaderboard's settings ({@code kdstream.leaderboard.*}); every other key is passed to Kafka Streams untouched
 * ({@code application.id}, {@code state.dir}, security...).
 *
 * @param host           address the HTTP server binds (loopback by default; 0.0.0.0 to serve other machines)
 * @param port           HTTP port (0 picks a free one)
 * @param refreshSeconds how often the HTML page reloads itself in a browser
 */
public record LeaderboardConfig(Settings settings, String host, int port, int refreshSeconds) {

    public static final String SERVICE = "kdstream-leaderboard";

    public static LeaderboardConfig from(Settings settings) {
        return new LeaderboardConfig(settings,
                settings.string("kdstream.leaderboard.host", "127.0.0.1"),
                settings.integer("kdstream.leaderboard.port", 8088),
                settings.integer("kdstream.leaderboard.refresh.seconds", 10));
    }

    /**
     * At-least-once is enough: a standing keeps one point a step, so reprocessing an evaluation after a crash
     * replaces the point it already made.
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, SERVICE);
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // Kafka Streams 4.4 reads this one under the main consumer's prefix too (see STACK.md).
        props.putIfAbsent("processing.exception.handler.global.enabled", true);
        props.putIfAbsent("main.consumer.processing.exception.handler.global.enabled", true);
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        return props;
    }
}
