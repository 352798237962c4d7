package io.kdstream.teacher.testing;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.teacher.serve.TeacherServer;
import io.kdstream.teacher.serve.TeacherServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real {@code serve-teacher} on loopback for tests, and the settings that point a worker at it. */
public final class ServedTeachers {

    public static final String MODEL = "kdstream-math-teacher";
    /** vLLM's default {@code --max-logprobs}. */
    public static final int MAX_LOGPROBS = 20;

    private ServedTeachers() {
    }

    /** Serves the checkpoint (of the char tokenizer) on {@code port} (0: a free one). */
    public static TeacherServer start(Path checkpoint, int port) {
        TeacherServer server = new TeacherServer(new TeacherServerConfig(checkpoint, Tokenizers.CHAR, MODEL, "127.0.0.1", port, MAX_LOGPROBS, 4096,
                Duration.ofMillis(5), "cpu"));
        server.start();
        return server;
    }

    /** Worker settings for the server at {@code url} through {@code api} ({@code vllm} or {@code sglang}). */
    public static Map<String, String> workerSettings(String api, String url) {
        Map<String, String> settings = new HashMap<>();
        settings.put("kdstream.teacher.backend", api);
        settings.put("kdstream.teacher.served.url", url);
        settings.put("kdstream.teacher.served.retries", "2");
        settings.put("kdstream.teacher.served.backoff.ms", "100");
        return settings;
    }
}
