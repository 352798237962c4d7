package io.kdstream.teacher.router;

import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The cache router's settings ({@code kdstream.router.*}); every other key is passed to Kafka Streams untouched
 * ({@code state.dir}, {@code num.stream.threads}, security...).
 *
 * @param teacherFingerprint the teacher whose cache decides what is skipped
 */
public record CacheRouterConfig(Settings settings, String teacherFingerprint) {

    private static final String TEACHER_FINGERPRINT = "kdstream.router.teacher.fingerprint";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(TEACHER_FINGERPRINT, Type.STRING, Importance.HIGH,
                    "the teacher whose cache decides what is skipped (kdstream router --checkpoint computes it)");

    public static CacheRouterConfig from(Settings settings) {
        return new CacheRouterConfig(settings, ConfigValues.read(DEFINITION, settings).string(TEACHER_FINGERPRINT));
    }

    /** One application (one state) per teacher: a new teacher starts from an empty cache view and requests everything. */
    public String applicationId() {
        return "kdstream-router-" + teacherFingerprint;
    }

    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        // Kafka Streams 4.4 reads this one under the main consumer's prefix too (see STACK.md).
        props.putIfAbsent("processing.exception.handler.global.enabled", true);
        props.putIfAbsent("main.consumer.processing.exception.handler.global.enabled", true);
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        return props;
    }
}
