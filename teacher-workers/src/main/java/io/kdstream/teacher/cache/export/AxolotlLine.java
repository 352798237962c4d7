package io.kdstream.teacher.cache.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kdstream.schemas.logits.SequenceLogits;

import java.io.IOException;

/**
 * A sequence as axolotl's KD trainer reads it, pre-tokenized: {@code input_ids}, {@code attention_mask},
 * {@code labels} (-100 where not trained) and the teacher's {@code target_token_ids}, {@code target_logprobs} and
 * {@code target_mask}, the fields its {@code kd} chat-template strategy produces
 * ({@code src/axolotl/integrations/kd/chat_template.py}) and its KD collator pads
 * ({@code src/axolotl/integrations/kd/collator.py}), axolotl-ai-cloud/axolotl.
 *
 * <p>axolotl indexes the teacher's lists by the token they predict, as vLLM's {@code prompt_logprobs} do, and shifts in
 * its trainer: entry i holds the teacher's distribution over token i given the tokens before it, so entry 0 has
 * nothing and is masked. {@code target_logprobs} are renormalised over the K entries (log-softmax), as axolotl's
 * strategy renormalises vLLM's, at the temperature the teacher ran with.
 */
final class AxolotlLine {

    private static final int IGNORED_LABEL = -100;

    private AxolotlLine() {
    }

    static void write(SequenceLogits sequence, JsonGenerator json) throws IOException {
        int[] tokens = sequence.tokens();
        int k = sequence.k();
        json.writeStartObject();
        json.writeArrayFieldStart("input_ids");
        for (int token : tokens) {
            json.writeNumber(token);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("attention_mask");
        for (int i = 0; i < tokens.length; i++) {
            json.writeNumber(1);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("labels");
        json.writeNumber(IGNORED_LABEL);
        for (int i = 1; i < tokens.length; i++) {
            json.writeNumber(trained(sequence, i) ? tokens[i] : IGNORED_LABEL);
        }
        json.writeEndArray();

        json.writeArrayFieldStart("target_token_ids");
        writeNothingAtTheFirstToken(json, k);
        for (int p = 0; p < sequence.positions(); p++) {
            json.writeStartArray();
            for (int r = 0; r < k; r++) {
                json.writeNumber(sequence.ids()[p * k + r]);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("target_logprobs");
        writeNothingAtTheFirstToken(json, k);
        for (int p = 0; p < sequence.positions(); p++) {
            writeRenormalised(sequence.values(), p * k, k, json);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("target_mask");
        writeNothingAtTheFirstToken(json, k);
        for (int i = 1; i < tokens.length; i++) {
            int mask = trained(sequence, i) ? 1 : 0;
            json.writeStartArray();
            for (int r = 0; r < k; r++) {
                json.writeNumber(mask);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Whether token i is a target trained on: its predicting position i - 1 is loss-masked. */
    private static boolean trained(SequenceLogits sequence, int i) {
        return sequence.lossMask()[i - 1] != 0f;
    }

    /** Token 0 is predicted by nothing: K placeholder entries (ids 0, values 0, masked), as axolotl pads. */
    private static void writeNothingAtTheFirstToken(JsonGenerator json, int k) throws IOException {
        json.writeStartArray();
        for (int r = 0; r < k; r++) {
            json.writeNumber(0);
        }
        json.writeEndArray();
    }

    /** log-softmax over the K values, computed in double from the largest (the first: values are descending). */
    private static void writeRenormalised(float[] values, int from, int k, JsonGenerator json) throws IOException {
        double max = values[from];
        double sum = 0;
        for (int r = 0; r < k; r++) {
            sum += Math.exp(values[from + r] - max);
        }
        double logNormaliser = max + Math.log(sum);
        json.writeStartArray();
        for (int r = 0; r < k; r++) {
            json.writeNumber((float) (values[from + r] - logNormaliser));
        }
        json.writeEndArray();
    }
}
