package io.kdstream.evaluator.leaderboard;

import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
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

    private static final String HOST = "kdstream.leaderboard.host";
    private static final String PORT = "kdstream.leaderboard.port";
    private static final String REFRESH = "kdstream.leaderboard.refresh.seconds";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "address the HTTP server binds (0.0.0.0 to serve other machines)")
            .define(PORT, Type.INT, 8088, Validators.between(0, 65535), Importance.MEDIUM, "HTTP port (0 picks a free one)")
            .define(REFRESH, Type.INT, 10, Validators.atLeast(1), Importance.LOW, "how often the HTML page reloads itself in a browser");

    public static LeaderboardConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        return new LeaderboardConfig(settings, values.string(HOST), values.integer(PORT), values.integer(REFRESH));
    }

    /**
     * At-least-once is enough: a standing keeps one point a step, so reprocessing an evaluation after a crash
     * replaces the point it already made. It reads committed evaluations only: one the evaluator published in a
     * transaction it never committed (killed, fenced, aborted) is no evaluation.
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, SERVICE);
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), IsolationLevel.READ_COMMITTED.toString());
        // Kafka Streams 4.4 reads this one under the main consumer's prefix too (see STACK.md).
        props.putIfAbsent("processing.exception.handler.global.enabled", true);
        props.putIfAbsent("main.consumer.processing.exception.handler.global.enabled", true);
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        return props;
    }
}
