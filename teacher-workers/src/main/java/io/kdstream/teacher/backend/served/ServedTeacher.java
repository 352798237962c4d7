package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.TokenizerAgreement;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.teacher.backend.TeacherBackend;
import io.kdstream.teacher.backend.TeacherRejectedException;
import io.kdstream.teacher.backend.TeacherUnavailableException;
import io.kdstream.teacher.model.TeacherModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A teacher behind a vLLM or SGLang server: one request a sequence, up to {@code maxInFlight} at once (the server
 * batches them), retried with exponential back-off on 429, 502, 503, 504, timeouts and lost connections. A request the
 * server refuses for its content becomes a {@link TeacherRejectedException} with the server's message; a server that
 * stays unreachable, a {@link TeacherUnavailableException}.
 *
 * <p>Its fingerprint names the served model, its revision (when the server or the settings tell one), the worker's
 * tokenizer and what the numbers are ({@code --logprobs-mode}): a cache is never mixed across any of them.
 */
public final class ServedTeacher implements TeacherBackend {

    private static final Logger log = LoggerFactory.getLogger(ServedTeacher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ServedTeacherConfig config;
    private final HttpClient http;
    private final ExecutorService requests;
    private final String model;
    private final TeacherIdentity identity;
    private final int vocabularySize;

    private ServedTeacher(ServedTeacherConfig config, HttpClient http, ExecutorService requests, String model,
                          TeacherIdentity identity, int vocabularySize) {
        this.config = config;
        this.http = http;
        this.requests = requests;
        this.model = model;
        this.identity = identity;
        this.vocabularySize = vocabularySize;
    }

    /**
     * Asks the server which model it serves and checks that it tokenizes as the worker's tokenizer does
     * ({@link TokenizerAgreement}, through the server's {@code POST /tokenize}).
     *
     * @param tokenizer the worker's tokenizer: its fingerprint is part of the teacher's, and ids lie below its
     *                  vocabulary unless {@code kdstream.teacher.served.vocabulary.size} says more
     * @throws TeacherUnavailableException when the server cannot be reached
     * @throws io.kdstream.model.tokenizer.TokenizerMismatchException when it tokenizes otherwise than the worker
     */
    public static ServedTeacher connect(ServedTeacherConfig config, Tokenizer tokenizer) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService requests = Executors.newFixedThreadPool(config.maxInFlight(), runnable -> {
            Thread thread = new Thread(runnable, "teacher-request-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        ServedTeacher unnamed = new ServedTeacher(config, http, requests, config.model(), null, 0);
        try {
            ServedApi.ServedModel served = config.api().model(unnamed.json("GET", config.api().modelsPath(), null));
            String model = config.model() != null ? config.model() : served.name();
            String revision = config.revision() != null ? config.revision() : served.revision() != null ? served.revision() : "";
            TokenizerAgreement.require(tokenizer, text -> unnamed.tokenize(model, text), "the teacher at " + config.url());
            String fingerprint = TeacherModel.fingerprint(model, revision,
                    "served;tokenizer=" + tokenizer.fingerprint() + ";values=" + config.logprobsMode());
            int vocabulary = config.vocabularySize() > 0 ? config.vocabularySize() : tokenizer.vocabularySize();
            return new ServedTeacher(config, http, requests, model, new TeacherIdentity(model, revision, fingerprint), vocabulary);
        } catch (RuntimeException e) {
            requests.shutdownNow();
            throw e;
        }
    }

    /** vLLM's and SGLang's {@code POST /tokenize}: the server's ids for a text, without special tokens. */
    private int[] tokenize(String servedModel, String text) {
        ObjectNode request = ServedJson.MAPPER.createObjectNode();
        request.put("model", servedModel);
        request.put("prompt", text);
        request.put("add_special_tokens", false);
        JsonNode tokens = ServedJson.field(json("POST", "/tokenize", request), "tokens", "the reply of /tokenize");
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokens.get(i).asInt();
        }
        return ids;
    }

    @Override
    public TeacherIdentity identity() {
        return identity;
    }

    @Override
    public String device() {
        return config.api().name() + " " + config.url();
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    /** Unknown here: the server refuses a sequence longer than its model's context, and says so. */
    @Override
    public OptionalInt contextLength() {
        return OptionalInt.empty();
    }

    @Override
    public ValueKind valueKind() {
        return ValueKind.LOG_PROBS;
    }

    @Override
    public List<TopKLogits> topK(List<int[]> sequences, int k) {
        List<Future<TopKLogits>> pending = new ArrayList<>(sequences.size());
        for (int[] sequence : sequences) {
            pending.add(requests.submit(() -> score(sequence, k)));
        }
        List<TopKLogits> results = new ArrayList<>(sequences.size());
        RuntimeException failure = null;
        for (Future<TopKLogits> future : pending) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
                // an unreachable server outranks a refused sequence: the worker pauses rather than dead-letters
                if (failure == null || cause instanceof TeacherUnavailableException && !(failure instanceof TeacherUnavailableException)) {
                    failure = cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.forEach(f -> f.cancel(true));
                throw new TeacherUnavailableException("interrupted while waiting for the teacher at " + config.url(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private TopKLogits score(int[] sequence, int k) {
        byte[] reply = call("POST", config.api().scorePath(), config.api().scoreRequest(model, sequence, k));
        try {
            return config.api().topK(reply, sequence, k);
        } catch (IllegalStateException malformed) {
            throw new IllegalStateException("the reply of " + config.url() + config.api().scorePath() + " is malformed: " + malformed.getMessage(), malformed);
        }
    }

    @Override
    public boolean available() {
        try {
            HttpResponse<String> reply = http.send(request("GET", config.api().modelsPath(), null).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return reply.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode json(String method, String path, JsonNode body) {
        try {
            return ServedJson.MAPPER.readTree(call(method, path, body));
        } catch (IOException e) {
            throw new IllegalStateException("the reply of " + config.url() + path + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** One request with retries; the reply's body on 200. */
    private byte[] call(String method, String path, JsonNode body) {
        Duration wait = config.backoff();
        for (int attempt = 0; ; attempt++) {
            String problem;
            Exception cause = null;
            try {
                HttpResponse<byte[]> reply = http.send(request(method, path, body).timeout(config.timeout()).build(), HttpResponse.BodyHandlers.ofByteArray());
                int status = reply.statusCode();
                if (status == 200) {
                    return reply.body();
                }
                String message = ServedJson.errorMessage(new String(reply.body(), StandardCharsets.UTF_8));
                if (!retryable(status)) {
                    if (status >= 400 && status < 500) {
                        throw new TeacherRejectedException(status, "the teacher at " + config.url() + path + " refused the request (" + status + "): " + message);
                    }
                    throw new IllegalStateException("the teacher at " + config.url() + path + " failed (" + status + "): " + message);
                }
                problem = status + " " + message;
            } catch (IOException e) {
                problem = e.toString();
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TeacherUnavailableException("interrupted while calling the teacher at " + config.url(), e);
            }
            if (attempt >= config.retries()) {
                throw new TeacherUnavailableException("the teacher at " + config.url() + path + " is unavailable after "
                        + (attempt + 1) + " attempts: " + problem, cause);
            }
            log.debug("teacher at {}{}: {}; retrying in {} ms", config.url(), path, problem, wait.toMillis());
            sleep(wait);
            wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        }
    }

    private HttpRequest.Builder request(String method, String path, JsonNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.url().resolve(path)).header("Accept", "application/json");
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(ServedJson.MAPPER.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overloaded or restarting: 429 Too Many Requests, 502/503/504 from the server or a proxy in front of it. */
    private static boolean retryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504 || status == 408;
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TeacherUnavailableException("interrupted while waiting to retry", e);
        }
    }

    @Override
    public void close() {
        requests.shutdownNow();
    }
}
