package io.kdstream.teacher.cache.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kdstream.schemas.logits.SequenceLogits;

import java.io.IOException;

/**
 * A sequence as NeMo-Aligner's KD trainer reads it: {@code tokens}, {@code labels}, {@code loss_mask},
 * {@code topk_logits}, {@code topk_token_ids} and {@code log_sum_exp_logits}, the fields that
 * {@code examples/nlp/synthetic_data_gen/compute_topk_logits.py} writes and the {@code _collate_fn} of
 * {@code examples/nlp/gpt/train_gpt_knowledge_distillation.py} reads (NVIDIA/NeMo-Aligner).
 *
 * <p>As in NeMo's SFT data, {@code tokens} are the sequence without its last token and {@code labels} without its
 * first, so entry p of every field belongs to prediction position p (kdstream's convention: position p predicts token
 * p + 1). Top-K lists are in the teacher's descending order. Records that keep log-probabilities (the packed
 * encoding, or a served teacher's log-probs) export them as logits with a log-sum-exp of 0: {@code logit - lse} is the
 * log-probability either way, and the renormalised loss does not read the log-sum-exp.
 */
final class NemoAlignerLine {

    private NemoAlignerLine() {
    }

    static void write(SequenceLogits sequence, JsonGenerator json) throws IOException {
        int positions = sequence.positions();
        int k = sequence.k();
        json.writeStartObject();
        json.writeArrayFieldStart("tokens");
        for (int p = 0; p < positions; p++) {
            json.writeNumber(sequence.tokens()[p]);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("labels");
        for (int p = 0; p < positions; p++) {
            json.writeNumber(sequence.tokens()[p + 1]);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("loss_mask");
        for (int p = 0; p < positions; p++) {
            json.writeNumber(sequence.lossMask()[p] != 0f ? 1 : 0);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("topk_logits");
        for (int p = 0; p < positions; p++) {
            json.writeStartArray();
            for (int r = 0; r < k; r++) {
                json.writeNumber(sequence.values()[p * k + r]);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("topk_token_ids");
        for (int p = 0; p < positions; p++) {
            json.writeStartArray();
            for (int r = 0; r < k; r++) {
                json.writeNumber(sequence.ids()[p * k + r]);
            }
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("log_sum_exp_logits");
        for (int p = 0; p < positions; p++) {
            json.writeNumber(sequence.logSumExp()[p]);
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}
