package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.JvmProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A teacher worker in its own JVM, configured through {@code KDSTREAM_CONFIG} as it runs in production: what the
 * scale-out benchmark and the kill test start. It uses this JVM's class path and one torch thread.
 */
public final class TeacherWorkerProcess {

    private TeacherWorkerProcess() {
    }

    /** Writes {@code dir/INSTANCE.properties}, starts the worker, and sends its output to {@code dir/INSTANCE.log}. */
    public static Process start(Settings settings, Path dir, String instance) throws IOException {
        return start(TeacherWorker.class, settings, dir, instance);
    }

    /** As {@link #start(Settings, Path, String)}, with another main class that runs a worker (a test's). */
    static Process start(Class<?> mainClass, Settings settings, Path dir, String instance) throws IOException {
        return JvmProcess.start(mainClass, settings, dir, instance, List.of("-Xmx1g", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"), instance);
    }
}
