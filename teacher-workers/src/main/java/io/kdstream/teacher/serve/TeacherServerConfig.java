package io.kdstream.teacher.serve;

import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.platform.config.ConfigValues;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.config.Validators;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

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

    private static final String CHECKPOINT = "kdstream.serve.checkpoint";
    private static final String TOKENIZER = "kdstream.serve.tokenizer";
    private static final String MODEL_ID = "kdstream.serve.model.id";
    private static final String HOST = "kdstream.serve.host";
    private static final String PORT = "kdstream.serve.port";
    private static final String MAX_LOGPROBS = "kdstream.serve.max.logprobs";
    private static final String BATCH_TOKENS = "kdstream.serve.batch.tokens";
    private static final String BATCH_WAIT = "kdstream.serve.batch.wait.ms";
    private static final String DEVICE = "kdstream.serve.device";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(CHECKPOINT, Type.STRING, Importance.HIGH, "the teacher's checkpoint file")
            .define(TOKENIZER, Type.STRING, Tokenizers.CHAR, Importance.HIGH, "char or the path of the tokenizer.json the"
                    + " checkpoint was trained with: /tokenize answers with it and replies decode tokens with it")
            .define(MODEL_ID, Type.STRING, "kdstream-math-teacher", Importance.MEDIUM,
                    "the name it is served under (model in requests and /v1/models)")
            .define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "the address to listen on")
            .define(PORT, Type.INT, 8000, Validators.between(0, 65535), Importance.MEDIUM, "the port (0 picks a free one)")
            .define(MAX_LOGPROBS, Type.INT, 20, Validators.atLeast(1), Importance.MEDIUM,
                    "the largest K a request may ask for, as vLLM's --max-logprobs")
            .define(BATCH_TOKENS, Type.INT, 4096, Validators.atLeast(1), Importance.LOW,
                    "token budget of one forward pass: requests waiting together are scored in one batch up to it")
            .define(BATCH_WAIT, Type.LONG, 5L, Validators.atLeast(0), Importance.LOW,
                    "how long a forward pass waits for more requests after the first")
            .define(DEVICE, Type.STRING, "auto", Importance.MEDIUM, "where the model runs: auto, cpu, gpu, gpu:N");

    public static TeacherServerConfig from(Settings settings) {
        ConfigValues values = ConfigValues.read(DEFINITION, settings);
        return new TeacherServerConfig(
                values.path(CHECKPOINT),
                values.string(TOKENIZER),
                values.string(MODEL_ID),
                values.string(HOST),
                values.integer(PORT),
                values.integer(MAX_LOGPROBS),
                values.integer(BATCH_TOKENS),
                Duration.ofMillis(values.longValue(BATCH_WAIT)),
                values.string(DEVICE));
    }
}
