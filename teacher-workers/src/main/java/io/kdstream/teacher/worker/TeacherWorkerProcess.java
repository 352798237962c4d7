package io.kdstream.teacher.worker;

import io.kdstream.platform.config.Settings;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A teacher worker in its own JVM, configured through {@code KDSTREAM_CONFIG} as it runs in production: what the
 * scale-out benchmark and the kill test start. It uses this JVM's class path and one torch thread.
 */
public final class TeacherWorkerProcess {

    private TeacherWorkerProcess() {
    }

    /** Writes {@code dir/INSTANCE.properties}, starts the worker, and sends its output to {@code dir/INSTANCE.log}. */
    public static Process start(Settings settings, Path dir, String instance) throws IOException {
        Path config = dir.resolve(instance + ".properties");
        Properties properties = new Properties();
        properties.putAll(settings.asMap());
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, "teacher worker " + instance);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), TeacherWorker.class.getName(), instance)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(instance + ".log").toFile());
        builder.environment().put("KDSTREAM_CONFIG", config.toString());
        return builder.start();
    }
}
