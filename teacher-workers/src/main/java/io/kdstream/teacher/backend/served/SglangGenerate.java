package io.kdstream.teacher.backend.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdstream.model.topk.TopKLogits;

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
    public TopKLogits topK(JsonNode reply, int[] tokens, int k) {
        JsonNode perToken = ServedJson.field(ServedJson.field(reply, "meta_info", "reply"), "input_top_logprobs", "meta_info");
        ServedJson.requireLength(perToken, tokens.length, "meta_info.input_top_logprobs");
        PromptLogProbs out = new PromptLogProbs(tokens.length - 1, k);
        for (int t = 1; t < tokens.length; t++) {
            JsonNode entries = perToken.get(t);
            String where = "meta_info.input_top_logprobs[" + t + "]";
            if (!entries.isArray()) {
                throw new IllegalStateException(where + " is " + entries.getNodeType() + ", expected a list of [logprob, token_id, text]");
            }
            int[] ids = new int[entries.size()];
            double[] logProbs = new double[entries.size()];
            for (int i = 0; i < entries.size(); i++) {
                JsonNode entry = entries.get(i);
                String at = where + "[" + i + "]";
                if (!entry.isArray() || entry.size() < 2 || !entry.get(1).canConvertToInt()) {
                    throw new IllegalStateException(at + " is " + entry + ", expected [logprob, token_id, text]");
                }
                logProbs[i] = ServedJson.number(entry.get(0), at + "[0]");
                ids[i] = entry.get(1).intValue();
            }
            out.put(t - 1, ids, logProbs, entries.size(), where);
        }
        return out.build();
    }

    @Override
    public ServedModel model(JsonNode reply) {
        String path = ServedJson.field(reply, "model_path", "reply").asText();
        JsonNode version = reply.path("weight_version");
        return new ServedModel(path, version.isTextual() ? version.asText() : null);
    }
}
