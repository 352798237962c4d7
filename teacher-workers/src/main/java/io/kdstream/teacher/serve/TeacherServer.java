package io.kdstream.teacher.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.kdstream.model.checkpoint.CheckpointException;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.transformer.Devices;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.service.Service;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.teacher.backend.served.ServedJson;
import io.kdstream.teacher.model.TeacherModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code kdstream serve-teacher}: any kdstream teacher checkpoint behind the APIs a served teacher has, so that the
 * served path runs through real HTTP without a GPU server: vLLM's {@code POST /v1/completions} (prompt
 * log-probabilities), {@code GET /v1/models} and {@code POST /tokenize}; SGLang's {@code POST /generate} and
 * {@code GET /get_model_info}; {@code GET /health}. Requests that wait together share one forward pass
 * ({@link ForwardBatcher}); a K above {@code max.logprobs} and a prompt longer than the model's context are refused
 * with vLLM's messages. Text is tokenized and tokens decoded with {@code kdstream.serve.tokenizer}, which must be the
 * tokenizer the checkpoint was trained with: a checkpoint of another tokenizer is refused at start.
 */
public final class TeacherServer implements Service {

    private static final Logger log = LoggerFactory.getLogger(TeacherServer.class);

    static {
        // Without TCP_NODELAY a reply on a kept-alive connection waits for the client's delayed ACK (about 40 ms here)
        // between the headers and the body: 48 ms against 1 ms a request. The JDK's server reads this once, when
        // the first HTTP server of the JVM starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final TeacherServerConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private TeacherModel model;
    private Tokenizer tokenizer;
    private ForwardBatcher batcher;
    private HttpServer server;
    private ExecutorService handlers;
    private String revision;

    public TeacherServer(TeacherServerConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "kdstream-serve-teacher";
    }

    @Override
    public void start() {
        tokenizer = tokenizer(config.tokenizer());
        try {
            revision = "sha256:" + CheckpointFile.sha256(config.checkpoint());
            model = TeacherModel.load(config.checkpoint(), config.modelId(), revision, tokenizer, Devices.parse(config.device()));
            batcher = new ForwardBatcher(model, config.batchTokens(), config.batchWait());
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        } catch (CheckpointException e) {
            close();
            String hint = e.reason() == CheckpointException.Reason.TOKENIZER_MISMATCH
                    ? "; set kdstream.serve.tokenizer to the tokenizer it was trained with" : "";
            throw new IllegalStateException("serve-teacher cannot start: " + e.getMessage() + hint, e);
        } catch (IOException e) {
            close();
            throw new IllegalStateException("serve-teacher cannot start: " + e.getMessage(), e);
        }
        route("/v1/completions", "POST", this::completions);
        route("/generate", "POST", this::generate);
        route("/tokenize", "POST", this::tokenize);
        route("/v1/models", "GET", body -> models());
        route("/get_model_info", "GET", body -> modelInfo());
        route("/health", "GET", body -> JsonNodeFactory.instance.objectNode());
        AtomicInteger threads = new AtomicInteger();
        handlers = Executors.newFixedThreadPool(32, runnable -> {
            Thread thread = new Thread(runnable, "serve-teacher-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.start();
        log.info("serve-teacher: {} ({}, tokenizer {}) on http://{}:{}/ (v1/completions, generate, tokenize, v1/models)",
                config.modelId(), model.device(), tokenizer.fingerprint(), config.host(), port());
    }

    private static Tokenizer tokenizer(String setting) {
        try {
            return Tokenizers.load(setting);
        } catch (RuntimeException e) { // unreadable files, a tokenizer_config.json whose special tokens it lacks
            throw new IllegalStateException("serve-teacher cannot start: setting 'kdstream.serve.tokenizer': " + e.getMessage(), e);
        }
    }

    /** The port it listens on (the one picked when the setting was 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Its base URL, e.g. {@code http://127.0.0.1:8000}. */
    public String url() {
        return "http://" + config.host() + ":" + port();
    }

    /** A request's JSON body in, the reply's JSON out; {@link Refused} becomes a 400 with its message. */
    @FunctionalInterface
    private interface Route {
        JsonNode answer(JsonNode body) throws Exception;
    }

    /** A request the server refuses: the client's to fix, answered with 400 and why. */
    private static final class Refused extends RuntimeException {
        private final String param;

        Refused(String message, String param) {
            super(message);
            this.param = param;
        }
    }

    private void route(String path, String method, Route route) {
        HttpHandler handler = exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    reply(exchange, 404, ServedReplies.error(404, "no route " + exchange.getRequestURI().getPath(), null));
                } else if (!exchange.getRequestMethod().equals(method)) {
                    reply(exchange, 405, ServedReplies.error(405, path + " takes " + method, null));
                } else {
                    answer(exchange, route);
                }
            }
        };
        server.createContext(path, handler);
    }

    private void answer(HttpExchange exchange, Route route) throws IOException {
        try {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readAllBytes();
                body = bytes.length == 0 ? JsonNodeFactory.instance.objectNode() : ServedJson.MAPPER.readTree(bytes);
            } catch (IOException malformed) {
                throw new Refused("the request body is not JSON: " + malformed.getMessage(), null);
            }
            reply(exchange, 200, route.answer(body));
        } catch (Refused refused) {
            reply(exchange, 400, ServedReplies.error(400, refused.getMessage(), refused.param));
        } catch (Exception failed) {
            log.warn("serve-teacher: {} failed: {}", exchange.getRequestURI().getPath(), failed.toString());
            reply(exchange, 500, ServedReplies.error(500, failed.toString(), null));
        }
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = ServedJson.MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private JsonNode completions(JsonNode body) throws Exception {
        requireModel(body);
        int[] tokens = body.path("prompt").isTextual() ? encode(body.path("prompt").asText(), false) : tokens(body.path("prompt"), "prompt");
        int k = logprobs(body.path("prompt_logprobs"), "prompt_logprobs");
        if (body.path("stream").asBoolean(false)) {
            throw new Refused("`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs");
        }
        return ServedReplies.completion(config.modelId(), tokens, k, scored(tokens, k), tokenizer);
    }

    private JsonNode generate(JsonNode body) throws Exception {
        if (!body.path("return_logprob").asBoolean(false) || body.path("logprob_start_len").asInt(-1) != 0
                || body.path("sampling_params").path("max_new_tokens").asInt(-1) != 0) {
            throw new Refused("serve-teacher scores prompts only: send return_logprob=true, logprob_start_len=0 and"
                    + " sampling_params.max_new_tokens=0", null);
        }
        int k = logprobs(body.path("top_logprobs_num"), "top_logprobs_num");
        boolean withText = body.path("return_text_in_logprobs").asBoolean(false);
        JsonNode ids = body.path("input_ids");
        if (ids.isArray() && ids.size() > 0 && ids.get(0).isArray()) { // a batch: one reply each, in a list
            ArrayNode replies = JsonNodeFactory.instance.arrayNode();
            for (JsonNode one : ids) {
                replies.add(generateOne(tokens(one, "input_ids"), k, withText));
            }
            return replies;
        }
        return generateOne(tokens(ids, "input_ids"), k, withText);
    }

    private JsonNode generateOne(int[] tokens, int k, boolean withText) throws Exception {
        long started = System.nanoTime();
        TeacherModel.Scored scored = scored(tokens, k);
        return ServedReplies.generate(tokens, k, scored, withText, tokenizer, (System.nanoTime() - started) / 1e9);
    }

    private JsonNode tokenize(JsonNode body) {
        requireModel(body);
        JsonNode prompt = body.path("prompt");
        if (!prompt.isTextual()) {
            throw new Refused("'prompt' must be a string", "prompt");
        }
        int[] ids = encode(prompt.asText(), body.path("add_special_tokens").asBoolean(true));
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("count", ids.length);
        reply.put("max_model_len", model.contextLength().orElseThrow());
        ArrayNode tokens = reply.putArray("tokens");
        for (int id : ids) {
            tokens.add(id);
        }
        return reply;
    }

    /** The prompt's ids, with the tokenizer's framing special tokens when asked (vLLM's {@code add_special_tokens}). */
    private int[] encode(String prompt, boolean specialTokens) {
        try {
            return specialTokens ? tokenizer.encodePrompt(prompt) : tokenizer.encode(prompt);
        } catch (IllegalArgumentException unknown) { // a character the char tokenizer lacks
            throw new Refused(unknown.getMessage(), "prompt");
        }
    }

    private JsonNode models() {
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("object", "list");
        ObjectNode card = reply.putArray("data").addObject();
        card.put("id", config.modelId());
        card.put("object", "model");
        card.put("created", System.currentTimeMillis() / 1000);
        card.put("owned_by", "kdstream");
        card.put("root", revision); // vLLM names the weights' path here; the checkpoint's hash names these weights
        card.putNull("parent");
        card.put("max_model_len", model.contextLength().orElseThrow());
        return reply;
    }

    private JsonNode modelInfo() {
        ObjectNode reply = JsonNodeFactory.instance.objectNode();
        reply.put("model_path", config.modelId());
        reply.put("tokenizer_path", tokenizer.fingerprint());
        reply.put("is_generation", true);
        reply.put("weight_version", revision);
        return reply;
    }

    private void requireModel(JsonNode body) {
        JsonNode asked = body.path("model");
        if (asked.isTextual() && !asked.asText().equals(config.modelId())) {
            throw new Refused("The model `" + asked.asText() + "` does not exist.", "model");
        }
    }

    private TeacherModel.Scored scored(int[] tokens, int k) throws Exception {
        int context = model.contextLength().orElseThrow();
        if (tokens.length > context) {
            throw new Refused("This model's maximum context length is " + context + " tokens. However, your request has "
                    + tokens.length + " input tokens. Please reduce the length of the input messages.", "prompt");
        }
        if (tokens.length < 2) {
            throw new Refused("a prompt of " + tokens.length + " tokens has no position to score", "prompt");
        }
        try {
            return batcher.score(tokens, k).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private int[] tokens(JsonNode ids, String field) {
        if (!ids.isArray() || ids.isEmpty()) {
            throw new Refused("'" + field + "' must be a non-empty list of token ids", field);
        }
        List<Integer> out = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.canConvertToInt() || id.intValue() < 0 || id.intValue() >= model.vocabularySize()) {
                throw new Refused("token id " + id + " in '" + field + "' is outside the vocabulary [0, " + model.vocabularySize() + ")", field);
            }
            out.add(id.intValue());
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** vLLM's check and message: K up to {@code --max-logprobs}. */
    private int logprobs(JsonNode value, String field) {
        if (!value.canConvertToInt() || value.intValue() < 1) {
            throw new Refused("'" + field + "' must be a positive number of log-probabilities a position", field);
        }
        if (value.intValue() > config.maxLogprobs()) {
            throw new Refused("Requested prompt logprobs of " + value.intValue() + ", which is greater than max allowed: "
                    + config.maxLogprobs(), field);
        }
        return Math.min(value.intValue(), model.vocabularySize());
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public boolean isAlive() {
        return true;
    }

    @Override
    public boolean isReady() {
        return server != null && stopped.getCount() > 0;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        if (handlers != null) {
            handlers.shutdownNow();
        }
        if (batcher != null) {
            batcher.close();
        }
        if (model != null) {
            model.close();
        }
        stopped.countDown();
    }

    /** Serves a teacher until stopped; settings from {@code KDSTREAM_CONFIG} and the environment. */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new TeacherServer(TeacherServerConfig.from(settings)), settings);
    }
}
