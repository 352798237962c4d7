package io.kdstream.teacher;

import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.transformer.Devices;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.backend.served.ServedTeacher;
import io.kdstream.teacher.model.TeacherModel;

import java.io.IOException;

/**
 * Opens the backend a worker's settings name ({@code kdstream.teacher.backend}): the one place that knows every
 * backend, so the backends themselves (backend/, backend/served/, model/) know none of the settings.
 */
public final class TeacherBackends {

    private TeacherBackends() {
    }

    /** How a worker gets its backend: {@link #open} in production; tests pass a backend that fails on purpose. */
    @FunctionalInterface
    public interface Opener {
        TeacherBackend open(TeacherWorkerConfig config, Tokenizer tokenizer) throws Exception;
    }

    /** Opens the backend; a served teacher is asked which model it serves and how it tokenizes. */
    public static TeacherBackend open(TeacherWorkerConfig config, Tokenizer tokenizer) throws CheckpointException {
        if (config.served() == null) {
            return TeacherModel.load(config.checkpoint(), config.modelId(), config.revision(), tokenizer, Devices.parse(config.device()));
        }
        return ServedTeacher.connect(config.served(), tokenizer);
    }

    /**
     * The fingerprint of the teacher a worker with these settings serves: from the checkpoint file without loading it,
     * or from a served teacher's answers.
     */
    public static String fingerprintOf(TeacherWorkerConfig config, Tokenizer tokenizer) throws IOException, CheckpointException {
        if (config.served() == null) {
            return checkpointFingerprint(config);
        }
        try (TeacherBackend served = open(config, tokenizer)) {
            return served.identity().getFingerprint();
        }
    }

    /** The fingerprint of the in-process teacher a worker with these settings serves, without loading the checkpoint. */
    public static String checkpointFingerprint(TeacherWorkerConfig config) throws IOException {
        return TeacherModel.fingerprint(config.modelId(), config.revision(), CheckpointFile.sha256(config.checkpoint()));
    }
}
