package io.kdstream.trainer.service;

import io.kdstream.platform.config.Settings;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The trainer settings the service tests share: a one-layer student that trains from its first record, at {@link TeacherRecords#K}. */
final class SmallTrainerSettings {

    private SmallTrainerSettings() {
    }

    /** {@code run} adds or overrides settings (steps, checkpoint interval, batch size, loss). */
    static Settings of(String bootstrapServers, String registryUrl, String runId, String teacher, Path checkpoints,
                       Map<String, String> run) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "schema.registry.url", registryUrl,
                "kdstream.trainer.run.id", runId,
                "kdstream.trainer.checkpoint.dir", checkpoints.toString(),
                "kdstream.trainer.teacher.fingerprint", teacher,
                "kdstream.trainer.min.examples", "1",
                "kdstream.trainer.topk", Integer.toString(TeacherRecords.K),
                "kdstream.trainer.student.layers", "1",
                "kdstream.trainer.student.width", "32",
                "kdstream.trainer.student.heads", "2"));
        settings.put("kdstream.trainer.student.feed.forward.width", "64");
        settings.putAll(run);
        return Settings.of(settings);
    }
}
