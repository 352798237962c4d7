package io.kdstream.teacher;

import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.schemas.logits.TopKEncoding;
import io.kdstream.schemas.topics.TopicCatalogue;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The teacher worker's settings ({@code kdstream.teacher.*}); Kafka client properties pass through.
 *
 * @param checkpoint     the teacher's checkpoint file
 * @param modelId        the teacher's name, part of its fingerprint
 * @param revision       the teacher's revision, part of its fingerprint
 * @param topK           entries kept a position
 * @param encoding       how top-K entries are written: {@code packed} (default, lossy within 1e-3 nats), {@code compact}
 *                       (the same values entropy-coded, ids by how often they recur; for real vocabularies) or
 *                       {@code float32}
 * @param maxRecordBytes the largest logit record to send; longer sequences are chunked. By default the smaller of the
 *                       topic's {@code max.message.bytes} and the producer's {@code max.request.size}
 * @param batchTokens    token budget of one forward pass (sequences are batched up to it)
 * @param groupId        the consumer group all workers of one teacher share
 * @param device         where the teacher runs: {@code auto} (a GPU when DJL's engine sees one), {@code cpu}, {@code gpu}, {@code gpu:N}
 * @param pauseBeforeCommitMillis fault injection for tests: sleep after sending a transaction's records, before
 *                       committing it (0 in production)
 * @param failForwardPrompts fault injection for tests: prompt ids whose forward pass fails, as input the teacher cannot
 *                       score would (empty in production)
 * @param failEveryForward fault injection for tests: every forward pass fails, as on a broken device (false in
 *                       production)
 */
public record TeacherWorkerConfig(Settings settings, Path checkpoint, String modelId, String revision, int topK,
                                  TopKEncoding encoding, int maxRecordBytes,
                                  int batchTokens, String groupId, String device, long pauseBeforeCommitMillis,
                                  Set<String> failForwardPrompts, boolean failEveryForward) {

    public static TeacherWorkerConfig from(Settings settings) {
        String modelId = settings.string("kdstream.teacher.model.id", "kdstream-math-teacher");
        return new TeacherWorkerConfig(settings,
                Path.of(settings.required("kdstream.teacher.checkpoint")),
                modelId,
                settings.string("kdstream.teacher.revision", "1"),
                settings.integer("kdstream.teacher.topk", 16),
                encoding(settings),
                settings.integer("kdstream.teacher.max.record.bytes", defaultMaxRecordBytes(settings)),
                settings.integer("kdstream.teacher.batch.tokens", 4096),
                settings.string("kdstream.teacher.group.id", "kdstream-teacher-" + modelId),
                settings.string("kdstream.teacher.device", "auto"),
                settings.longValue("kdstream.teacher.fault.pause.before.commit.ms", 0),
                Arrays.stream(settings.string("kdstream.teacher.fault.fail.forward.prompts", "").split(","))
                        .map(String::trim).filter(id -> !id.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                settings.bool("kdstream.teacher.fault.fail.every.forward", false));
    }

    private static TopKEncoding encoding(Settings settings) {
        String name = settings.string("kdstream.teacher.encoding", "packed");
        try {
            return TopKEncoding.named(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting 'kdstream.teacher.encoding': " + e.getMessage(), e);
        }
    }

    /** A record must pass the producer as well as the topic; the producer's own default is 1 MiB. */
    private static int defaultMaxRecordBytes(Settings settings) {
        int topicLimit = Integer.parseInt(TopicCatalogue.TEACHER_LOGITS.configs().get("max.message.bytes"));
        return Math.min(topicLimit, settings.integer(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024));
    }
}
