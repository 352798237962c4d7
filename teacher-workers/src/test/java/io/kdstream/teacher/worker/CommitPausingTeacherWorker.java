package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.TeacherBackends;
import io.kdstream.teacher.TeacherWorkerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A teacher worker in its own JVM that waits a minute after sending each batch, before committing it: its records
 * are in the log, uncommitted, for as long as the kill test needs to kill it there.
 */
public final class CommitPausingTeacherWorker {

    private static final Duration PAUSE = Duration.ofMinutes(1);

    private CommitPausingTeacherWorker() {
    }

    static Process start(Settings settings, Path dir, String instance) throws IOException {
        return TeacherWorkerProcess.start(CommitPausingTeacherWorker.class, settings, dir, instance);
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        TeacherWorker worker = new TeacherWorker(TeacherWorkerConfig.from(settings), args[0], TeacherBackends::open, producer -> {
            producer.flush(); // the records reach the log before the pause
            Thread.sleep(PAUSE.toMillis());
        });
        ServiceRunner.runUntilStopped(worker, settings);
    }
}
