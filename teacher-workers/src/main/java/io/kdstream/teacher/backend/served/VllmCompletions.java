package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.topk.TopKLogits;

import java.util.Iterator;
import java.util.Map;

/**
 * vLLM's OpenAI-compatible {@code POST /v1/completions} with the prompt as token ids, {@code prompt_logprobs=K} and
 * {@code max_tokens=1} (vLLM's {@code CompletionRequest}). The reply's {@code choices[0].prompt_logprobs} has one entry
 * a prompt token, {@code null} for the first; each maps token id (a JSON string) to {@code {logprob, rank,
 * decoded_token}}: the top K, plus the actual token when it is not among them.
 */
public final class VllmCompletions implements ServedApi {

    static final VllmCompletions INSTANCE = new VllmCompletions();

    private VllmCompletions() {
    }

    @Override
    public String name() {
        return "vllm";
    }

    @Override
    public String scorePath() {
        return "/v1/completions";
    }

    @Override
    public String modelsPath() {
        return "/v1/models";
    }

    @Override
    public ObjectNode scoreRequest(String model, int[] tokens, int k) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("model", model);
        request.putArray("prompt").addAll(ServedJson.ints(tokens));
        request.put("prompt_logprobs", k);
        request.put("max_tokens", 1);
        request.put("temperature", 1.0); // the numbers at the teacher's temperature 1, whatever the server's default
        return request;
    }

    @Override
    public TopKLogits topK(JsonNode reply, int[] tokens, int k) {
        JsonNode perToken = ServedJson.field(reply.path("choices").path(0), "prompt_logprobs", "choices[0]");
        ServedJson.requireLength(perToken, tokens.length, "choices[0].prompt_logprobs");
        PromptLogProbs out = new PromptLogProbs(tokens.length - 1, k);
        for (int t = 1; t < tokens.length; t++) {
            JsonNode entries = perToken.get(t);
            String where = "choices[0].prompt_logprobs[" + t + "]";
            if (!entries.isObject()) {
                throw new IllegalStateException(where + " is " + entries.getNodeType() + ", expected a map of token id to log-probability");
            }
            int[] ids = new int[entries.size()];
            double[] logProbs = new double[entries.size()];
            int count = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode rank = entry.getValue().path("rank");
                if (rank.isInt() && rank.intValue() > k) {
                    continue; // the actual token, outside the top K
                }
                ids[count] = ServedJson.tokenId(entry.getKey(), where);
                logProbs[count] = ServedJson.number(entry.getValue(), "logprob", where + "[\"" + entry.getKey() + "\"]");
                count++;
            }
            out.put(t - 1, ids, logProbs, count, where);
        }
        return out.build();
    }

    @Override
    public ServedModel model(JsonNode reply) {
        JsonNode first = reply.path("data").path(0);
        String id = ServedJson.field(first, "id", "data[0]").asText();
        JsonNode root = first.path("root");
        return new ServedModel(id, root.isTextual() && !root.asText().equals(id) ? root.asText() : null);
    }
}
