package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.topk.TopKLogits;

import java.io.IOException;

/**
 * SGLang's native {@code POST /generate} with {@code input_ids}, {@code return_logprob}, {@code logprob_start_len=0},
 * {@code top_logprobs_num=K} and no new tokens. The reply's {@code meta_info.input_top_logprobs} has one entry a prompt
 * token, {@code null} for the first; each is a list of {@code [logprob, token_id, text]} (text null unless asked for).
 */
public final class SglangGenerate implements ServedApi {

    static final SglangGenerate INSTANCE = new SglangGenerate();

    private SglangGenerate() {
    }

    @Override
    public String name() {
        return "sglang";
    }

    @Override
    public String scorePath() {
        return "/generate";
    }

    @Override
    public String modelsPath() {
        return "/get_model_info";
    }

    @Override
    public ObjectNode scoreRequest(String model, int[] tokens, int k) {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.putArray("input_ids").addAll(ServedJson.ints(tokens));
        request.put("return_logprob", true);
        request.put("logprob_start_len", 0);
        request.put("top_logprobs_num", k);
        ObjectNode sampling = request.putObject("sampling_params");
        sampling.put("max_new_tokens", 0);
        sampling.put("temperature", 1.0);
        return request;
    }

    @Override
    public TopKLogits topK(byte[] reply, int[] tokens, int k) {
        try (JsonParser parser = ServedJson.MAPPER.createParser(reply)) {
            ServedJson.seek(parser, "meta_info", "input_top_logprobs");
            ServedJson.expect(parser, JsonToken.START_ARRAY, "meta_info.input_top_logprobs", "a list");
            PromptLogProbs out = new PromptLogProbs(tokens.length - 1, k);
            int[] ids = new int[k];
            double[] logProbs = new double[k];
            int t = 0;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), t++) {
                if (t == 0 || t >= tokens.length) { // the first token has nothing before it: null
                    parser.skipChildren();
                    continue;
                }
                if (token != JsonToken.START_ARRAY) {
                    throw malformed(t, -1, parser.getText() + ", expected a list of [logprob, token_id, text]");
                }
                int count = 0;
                for (JsonToken entry = parser.nextToken(); entry != JsonToken.END_ARRAY; entry = parser.nextToken(), count++) {
                    JsonToken logProb = entry == JsonToken.START_ARRAY ? parser.nextToken() : entry;
                    if (logProb != JsonToken.VALUE_NUMBER_FLOAT && logProb != JsonToken.VALUE_NUMBER_INT) {
                        throw malformed(t, count, parser.getText() + ", expected [logprob, token_id, text]");
                    }
                    double value = parser.getDoubleValue();
                    if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                        throw malformed(t, count, "[" + value + ", " + parser.getText() + ", ...], expected a token id second");
                    }
                    int id = parser.getIntValue();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren(); // the text
                    }
                    if (count < k) {
                        ids[count] = id;
                        logProbs[count] = value;
                    }
                }
                out.put(t - 1, ids, logProbs, Math.min(count, k), "meta_info.input_top_logprobs");
            }
            if (t != tokens.length) {
                throw new IllegalStateException("meta_info.input_top_logprobs has " + t + " entries for a sequence of " + tokens.length + " tokens");
            }
            return out.build();
        } catch (IOException e) {
            throw new IllegalStateException("the reply is not JSON: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException malformed(int position, int entry, String what) {
        return new IllegalStateException("meta_info.input_top_logprobs[" + position + "]" + (entry < 0 ? "" : "[" + entry + "]") + " is " + what);
    }

    @Override
    public ServedModel model(JsonNode reply) {
        String path = ServedJson.field(reply, "model_path", "reply").asText();
        JsonNode version = reply.path("weight_version");
        return new ServedModel(path, version.isTextual() ? version.asText() : null);
    }
}
