package io.kdstream.teacher.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.topk.TopKLogits;
import io.kdstream.teacher.model.TeacherModel;

import java.util.UUID;

/**
 * The replies of {@code serve-teacher} in the shapes vLLM and SGLang give: log-probabilities at temperature 1
 * ({@code value - logSumExp} of the in-process teacher's raw logits), written as float32 so a client reads back the
 * very numbers.
 */
final class ServedReplies {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ServedReplies() {
    }

    /**
     * vLLM's {@code CompletionResponse} for {@code max_tokens=1}: one generated token (the greedy one) and
     * {@code choices[0].prompt_logprobs}, {@code null} for the first token, then a map from token id to
     * {@code {logprob, rank, decoded_token}} holding the top K and the actual token.
     */
    static ObjectNode completion(String model, int[] tokens, int k, TeacherModel.Scored scored, Tokenizer tokenizer) {
        ObjectNode reply = JSON.objectNode();
        reply.put("id", "cmpl-" + UUID.randomUUID().toString().replace("-", ""));
        reply.put("object", "text_completion");
        reply.put("created", System.currentTimeMillis() / 1000);
        reply.put("model", model);
        ObjectNode choice = reply.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", tokenizer.decode(new int[] {scored.nextToken()}));
        choice.putNull("logprobs");
        choice.put("finish_reason", "length");
        choice.putNull("stop_reason");
        ArrayNode positions = choice.putArray("prompt_logprobs");
        positions.addNull();
        TopKLogits topK = scored.topK();
        for (int p = 0; p < topK.positions(); p++) {
            ObjectNode entries = positions.addObject();
            float logSumExp = topK.logSumExp()[p];
            for (int r = 0; r < k; r++) {
                logprob(entries, topK.id(p, r), topK.value(p, r) - logSumExp, r + 1, tokenizer);
            }
            int actual = tokens[p + 1];
            if (scored.targetRanks()[p] > k) {
                logprob(entries, actual, scored.targetLogits()[p] - logSumExp, scored.targetRanks()[p], tokenizer);
            }
        }
        ObjectNode usage = reply.putObject("usage");
        usage.put("prompt_tokens", tokens.length);
        usage.put("total_tokens", tokens.length + 1);
        usage.put("completion_tokens", 1);
        return reply;
    }

    private static void logprob(ObjectNode entries, int id, float logprob, int rank, Tokenizer tokenizer) {
        ObjectNode entry = entries.putObject(Integer.toString(id));
        entry.put("logprob", logprob);
        entry.put("rank", rank);
        entry.put("decoded_token", tokenizer.decode(new int[] {id}));
    }

    /**
     * SGLang's {@code /generate} reply for {@code max_new_tokens=0}: no text, and in {@code meta_info} the prompt's
     * {@code input_token_logprobs} ({@code [logprob, token_id, text]}, the first logprob null) and
     * {@code input_top_logprobs} (null for the first token, then the top K as {@code [logprob, token_id, text]}).
     */
    static ObjectNode generate(int[] tokens, int k, TeacherModel.Scored scored, boolean withText, Tokenizer tokenizer, double seconds) {
        ObjectNode reply = JSON.objectNode();
        reply.put("text", "");
        reply.putArray("output_ids");
        ObjectNode meta = reply.putObject("meta_info");
        meta.put("id", UUID.randomUUID().toString().replace("-", ""));
        ObjectNode finish = meta.putObject("finish_reason");
        finish.put("type", "length");
        finish.put("length", 0);
        meta.put("prompt_tokens", tokens.length);
        meta.put("completion_tokens", 0);
        meta.put("cached_tokens", 0);
        TopKLogits topK = scored.topK();
        ArrayNode inputToken = meta.putArray("input_token_logprobs");
        ArrayNode inputTop = meta.putArray("input_top_logprobs");
        entry(inputToken.addArray(), null, tokens[0], withText, tokenizer);
        inputTop.addNull();
        for (int p = 0; p < topK.positions(); p++) {
            float logSumExp = topK.logSumExp()[p];
            entry(inputToken.addArray(), scored.targetLogits()[p] - logSumExp, tokens[p + 1], withText, tokenizer);
            ArrayNode top = inputTop.addArray();
            for (int r = 0; r < k; r++) {
                entry(top.addArray(), topK.value(p, r) - logSumExp, topK.id(p, r), withText, tokenizer);
            }
        }
        meta.putArray("output_token_logprobs");
        meta.putArray("output_top_logprobs");
        meta.put("e2e_latency", seconds);
        return reply;
    }

    private static void entry(ArrayNode entry, Float logprob, int id, boolean withText, Tokenizer tokenizer) {
        if (logprob == null) {
            entry.addNull();
        } else {
            entry.add(logprob.floatValue());
        }
        entry.add(id);
        if (withText) {
            entry.add(tokenizer.decode(new int[] {id}));
        } else {
            entry.addNull();
        }
    }

    /** vLLM's {@code ErrorResponse}: {@code {"error": {message, type, param, code}}}; SGLang reads the same message. */
    static ObjectNode error(int status, String message, String param) {
        ObjectNode reply = JSON.objectNode();
        ObjectNode error = reply.putObject("error");
        error.put("message", message);
        error.put("type", status == 400 ? "BadRequestError" : status == 404 ? "NotFoundError" : "InternalServerError");
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        error.put("code", status);
        return reply;
    }
}
