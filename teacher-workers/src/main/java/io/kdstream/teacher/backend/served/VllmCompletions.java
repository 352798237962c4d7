package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.topk.TopKLogits;

import java.io.IOException;

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
    public TopKLogits topK(byte[] reply, int[] tokens, int k) {
        try (JsonParser parser = ServedJson.MAPPER.createParser(reply)) {
            ServedJson.seek(parser, "choices", "0", "prompt_logprobs");
            ServedJson.expect(parser, JsonToken.START_ARRAY, "choices[0].prompt_logprobs", "a list");
            PromptLogProbs out = new PromptLogProbs(tokens.length - 1, k);
            int[] ids = new int[k + 1];
            double[] logProbs = new double[k + 1];
            int t = 0;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), t++) {
                if (t == 0 || t >= tokens.length) { // the first token has nothing before it: null
                    parser.skipChildren();
                    continue;
                }
                if (token != JsonToken.START_OBJECT) {
                    throw malformed(t, null, parser.getText() + ", expected a map of token id to log-probability");
                }
                int count = 0;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    if (parser.nextToken() != JsonToken.START_OBJECT) {
                        throw malformed(t, key, parser.getText() + ", expected {logprob, rank, decoded_token}");
                    }
                    double logProb = Double.NaN;
                    int rank = 0;
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if (field.equals("logprob")) {
                            if (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NUMBER_INT) {
                                throw malformed(t, key, "a logprob of " + parser.getText());
                            }
                            logProb = parser.getDoubleValue();
                        } else if (field.equals("rank") && value == JsonToken.VALUE_NUMBER_INT) {
                            rank = parser.getIntValue();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    if (rank > k || count == ids.length) {
                        continue; // the actual token, outside the top K
                    }
                    ids[count] = ServedJson.tokenId(key, "choices[0].prompt_logprobs[" + t + "]");
                    logProbs[count] = logProb;
                    count++;
                }
                out.put(t - 1, ids, logProbs, count, "choices[0].prompt_logprobs");
            }
            if (t != tokens.length) {
                throw new IllegalStateException("choices[0].prompt_logprobs has " + t + " entries for a sequence of " + tokens.length + " tokens");
            }
            return out.build();
        } catch (IOException e) {
            throw new IllegalStateException("the reply is not JSON: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException malformed(int position, String key, String what) {
        return new IllegalStateException("choices[0].prompt_logprobs[" + position + "]" + (key == null ? "" : "[\"" + key + "\"]") + " is " + what);
    }

    @Override
    public ServedModel model(JsonNode reply) {
        JsonNode first = reply.path("data").path(0);
        String id = ServedJson.field(first, "id", "data[0]").asText();
        JsonNode root = first.path("root");
        return new ServedModel(id, root.isTextual() && !root.asText().equals(id) ? root.asText() : null);
    }
}
