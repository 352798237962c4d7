package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;

import java.util.Arrays;

/**
 * Decodes the top-K fields of a TeacherLogits record, whatever their encodings, into primitive arrays. Afterwards
 * {@code values - logSumExp} are the teacher's log-probabilities: log-probability records, and the packed encoding,
 * and the compact one, which keep log-probabilities only, decode with a log-sum-exp of 0.
 */
public final class TopKDecoder {

    private TopKDecoder() {
    }

    /** Writes the record's positions to positions {@code firstPosition ..} of the arrays (entries at {@code firstPosition * k ..}). */
    public static void decodeInto(TeacherLogits record, int[] ids, float[] values, float[] logSumExp, int firstPosition) {
        int k = record.getK();
        int positions = record.getPositions();
        int entries = Math.multiplyExact(positions, k);
        int offset = firstPosition * k;
        switch (record.getIdEncoding()) {
            case UINT16_LE, UINT32_LE -> TopKCodec.decodeIds(record.getTopkIds(), record.getIdEncoding(), entries, ids, offset);
            case BITPACKED_LE -> BitPackedIds.unpack(record.getTopkIds(), record.getIdBits(), entries, ids, offset);
            case FREQUENCY_CLASSES -> FrequencyClassIds.decode(record.getTopkIds(), record.getIdBits(), entries, ids, offset);
        }
        switch (record.getValueEncoding()) {
            case FLOAT32_LE -> {
                TopKCodec.decodeFloats(record.getTopkValues(), ValueEncoding.FLOAT32_LE, entries, "topkValues", values, offset);
                DescendingValues.require("topkValues", values, k, firstPosition, positions);
                if (record.getLogSumExp() != null) {
                    TopKCodec.decodeFloats(record.getLogSumExp(), ValueEncoding.FLOAT32_LE, positions, "logSumExp", logSumExp, firstPosition);
                } else if (record.getValueKind() == ValueKind.RAW_LOGITS) {
                    throw new IllegalArgumentException("logSumExp is missing: RAW_LOGITS values in FLOAT32_LE carry one a position");
                } else {
                    Arrays.fill(logSumExp, firstPosition, firstPosition + positions, 0f);
                }
            }
            case TOP_OFFSET_U8 -> {
                TopOffsetValues.decode(record.getTopkValues(), k, positions, values, offset);
                Arrays.fill(logSumExp, firstPosition, firstPosition + positions, 0f);
            }
            case SAMPLED_COUNTS -> {
                SampledCounts.decode(record.getTopkValues(), k, positions, values, offset);
                Arrays.fill(logSumExp, firstPosition, firstPosition + positions, 0f);
            }
            case TOP_OFFSET_RICE -> {
                RiceOffsetValues.decode(record.getTopkValues(), k, positions, values, offset);
                Arrays.fill(logSumExp, firstPosition, firstPosition + positions, 0f);
            }
        }
    }
}
