package io.kdstream.teacher;

import io.kdstream.platform.config.Settings;

import java.nio.file.Path;

/**
 * The teacher worker's settings ({@code kdstream.teacher.*}); Kafka client properties pass through.
 *
 * @param checkpoint     the teacher's checkpoint file
 * @param modelId        the teacher's name, part of its fingerprint
 * @param revision       the teacher's revision, part of its fingerprint
 * @param topK           entries kept a position
 * @param batchTokens    token budget of one forward pass (sequences are batched up to it)
 * @param groupId        the consumer group all workers of one teacher share
 */
public record TeacherWorkerConfig(Settings settings, Path checkpoint, String modelId, String revision, int topK,
                                  int batchTokens, String groupId) {

    public static TeacherWorkerConfig from(Settings settings) {
        String modelId = settings.string("kdstream.teacher.model.id", "kdstream-math-teacher");
        return new TeacherWorkerConfig(settings,
                Path.of(settings.required("kdstream.teacher.checkpoint")),
                modelId,
                settings.string("kdstream.teacher.revision", "1"),
                settings.integer("kdstream.teacher.topk", 16),
                settings.integer("kdstream.teacher.batch.tokens", 4096),
                settings.string("kdstream.teacher.group.id", "kdstream-teacher-" + modelId));
    }
}
