package io.kdstream.teacher.backend.served;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How a worker reaches a served teacher (read by {@link io.kdstream.teacher.TeacherWorkerConfig} from
 * {@code kdstream.teacher.served.*}).
 *
 * @param api            the server's API: vLLM's {@code /v1/completions} or SGLang's {@code /generate}
 * @param url            the server's base URL, e.g. {@code http://gpu-pool:8000}
 * @param model          the model to ask for; null: the server's first (and usually only) model
 * @param revision       the model's revision for the fingerprint; null: what the server reports
 * @param maxInFlight    requests a worker keeps in flight, so that a batching server stays busy
 * @param timeout        how long one request may take
 * @param retries        retries of a request on 429, 503 or a lost connection before the worker pauses
 * @param backoff        the first wait between retries; it doubles each time, up to 30 s
 * @param logprobsMode   what the server's numbers are (vLLM's {@code --logprobs-mode}): {@code raw_logprobs} or
 *                       {@code processed_logprobs}; it goes into the fingerprint
 * @param vocabularySize the model's vocabulary (ids lie below it); 0: the worker's tokenizer's
 */
public record ServedTeacherConfig(ServedApi api, URI url, String model, String revision, int maxInFlight,
                                  Duration timeout, int retries, Duration backoff, String logprobsMode,
                                  int vocabularySize) {

    /** The {@code --logprobs-mode} values whose numbers are log-probabilities; the logits modes lack a normaliser. */
    public static final List<String> LOG_PROB_MODES = List.of("raw_logprobs", "processed_logprobs");

    public ServedTeacherConfig {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("requests in flight must be at least 1, got " + maxInFlight);
        }
        if (!LOG_PROB_MODES.contains(logprobsMode)) {
            throw new IllegalArgumentException("logprobs mode '" + logprobsMode + "' is not one of " + LOG_PROB_MODES
                    + ": the logits modes give no full-vocabulary normaliser, so neither the packed encoding nor the tail"
                    + " loss could use them; start the server with --logprobs-mode raw_logprobs (vLLM's default)");
        }
    }
}
