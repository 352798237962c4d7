package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.topk.TopKLogits;

import java.util.Locale;

/** A model server's API for prompt log-probabilities: the request a worker sends and how it reads the reply. */
public sealed interface ServedApi permits VllmCompletions, SglangGenerate {

    /** How settings name it: {@code vllm} or {@code sglang}. */
    String name();

    /** Where scoring requests go. */
    String scorePath();

    /** Where the served model is described. */
    String modelsPath();

    /** The body that asks for the top-{@code k} log-probabilities at every position of {@code tokens}. */
    ObjectNode scoreRequest(String model, int[] tokens, int k);

    /**
     * The top-{@code k} log-probabilities of positions {@code 0 .. tokens.length - 2} (position p predicts token p+1),
     * in descending order with ties by ascending id, as {@link TopKLogits} with log-sum-exps of 0.
     *
     * @throws IllegalStateException naming the field when the reply is not what the API promises
     */
    TopKLogits topK(byte[] reply, int[] tokens, int k);

    /** The served model's name and, when the server tells one, its revision (null otherwise). */
    ServedModel model(JsonNode reply);

    record ServedModel(String name, String revision) {
    }

    static ServedApi named(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "vllm" -> VllmCompletions.INSTANCE;
            case "sglang" -> SglangGenerate.INSTANCE;
            default -> throw new IllegalArgumentException("unknown teacher server API '" + name + "'; expected vllm or sglang");
        };
    }
}
