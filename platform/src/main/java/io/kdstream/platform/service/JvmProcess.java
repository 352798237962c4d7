package io.kdstream.platform.service;

import io.kdstream.platform.config.Settings;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A service (or any main class) in its own JVM on this JVM's class path, configured as in production: its settings
 * in {@code dir/NAME.properties}, named by {@code KDSTREAM_CONFIG}; its output in {@code dir/NAME.log}. What the kill
 * and SIGTERM tests and the benchmarks that need a process of their own start.
 */
public final class JvmProcess {

    private JvmProcess() {
    }

    public static Process start(Class<?> mainClass, Settings settings, Path dir, String name, List<String> jvmOptions,
                                String... args) throws IOException {
        Path config = dir.resolve(name + ".properties");
        Properties properties = new Properties();
        properties.putAll(settings.asMap());
        try (Writer writer = Files.newBufferedWriter(config)) {
            properties.store(writer, name);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("KDSTREAM_CONFIG", config.toString());
        return builder.start();
    }
}
