package io.kdstream.teacher.serve;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.Settings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code kdstream serve-teacher}'s settings ({@code kdstream.serve.*}).
 *
 * @param checkpoint  the teacher's checkpoint file
 * @param tokenizer   {@code char} or the path of the {@code tokenizer.json} the checkpoint was trained with
 *                    ({@link Tokenizers#load}): {@code /tokenize} answers with it and replies decode tokens with it
 * @param modelId     the name it is served under ({@code model} in requests and {@code /v1/models})
 * @param host        the address to listen on (loopback by default)
 * @param port        the port (vLLM's 8000 by default; 0 picks a free one)
 * @param maxLogprobs the largest K a request may ask for, as vLLM's {@code --max-logprobs} (20 there too)
 * @param batchTokens token budget of one forward pass: requests waiting together are scored in one batch up to it
 * @param batchWait   how long a forward pass waits for more requests after the first
 * @param device      where the model runs: {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}
 */
public record TeacherServerConfig(Path checkpoint, String tokenizer, String modelId, String host, int port, int maxLogprobs,
                                  int batchTokens, Duration batchWait, String device) {

    public static TeacherServerConfig from(Settings settings) {
        return new TeacherServerConfig(
                Path.of(settings.required("kdstream.serve.checkpoint")),
                settings.string("kdstream.serve.tokenizer", Tokenizers.CHAR),
                settings.string("kdstream.serve.model.id", "kdstream-math-teacher"),
                settings.string("kdstream.serve.host", "127.0.0.1"),
                settings.integer("kdstream.serve.port", 8000),
                settings.integer("kdstream.serve.max.logprobs", 20),
                settings.integer("kdstream.serve.batch.tokens", 4096),
                Duration.ofMillis(settings.longValue("kdstream.serve.batch.wait.ms", 5)),
                settings.string("kdstream.serve.device", "auto"));
    }
}
