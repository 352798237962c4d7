package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.TeacherLogits;

import java.nio.ByteBuffer;

/**
 * A TeacherLogits record decoded into plain arrays: position p holds the teacher's top-K for the token at p+1.
 * {@code logSumExp} is null when the record carries log-probabilities.
 */
public record SequenceLogits(String promptId, String teacherFingerprint, String tokenizerFingerprint, int[] tokens,
                             float[] lossMask, int k, int[] ids, float[] values, float[] logSumExp) {

    public int positions() {
        return tokens.length - 1;
    }

    /** Decodes a whole-sequence record; a malformed record fails with the field named. */
    public static SequenceLogits decode(TeacherLogits record) {
        if (record.getChunkCount() != 1) {
            throw new IllegalArgumentException("record of prompt " + record.getPromptId() + " is chunk " + record.getChunkIndex()
                    + " of " + record.getChunkCount() + "; chunked records are not supported yet");
        }
        int[] tokens = record.getTokenIds().stream().mapToInt(Integer::intValue).toArray();
        int positions = record.getPositions();
        if (positions != tokens.length - 1) {
            throw new IllegalArgumentException("record of prompt " + record.getPromptId() + " has " + positions
                    + " positions for " + tokens.length + " tokens; expected " + (tokens.length - 1));
        }
        int entries = positions * record.getK();
        ByteBuffer maskBytes = record.getLossMask().duplicate();
        if (maskBytes.remaining() != positions) {
            throw new IllegalArgumentException("lossMask of prompt " + record.getPromptId() + " holds " + maskBytes.remaining()
                    + " bytes, expected " + positions);
        }
        float[] mask = new float[positions];
        for (int p = 0; p < positions; p++) {
            mask[p] = maskBytes.get() != 0 ? 1f : 0f;
        }
        return new SequenceLogits(record.getPromptId(), record.getTeacher().getFingerprint(), record.getTokenizerFingerprint(),
                tokens, mask, record.getK(),
                TopKCodec.decodeIds(record.getTopkIds(), record.getIdEncoding(), entries),
                TopKCodec.decodeFloats(record.getTopkValues(), record.getValueEncoding(), entries, "topkValues"),
                record.getLogSumExp() == null ? null
                        : TopKCodec.decodeFloats(record.getLogSumExp(), record.getValueEncoding(), positions, "logSumExp"));
    }

    /** The loss mask as one byte a position, as records carry it. */
    public static ByteBuffer encodeMask(float[] mask) {
        ByteBuffer out = ByteBuffer.allocate(mask.length);
        for (float m : mask) {
            out.put(m != 0 ? (byte) 1 : (byte) 0);
        }
        return out.flip();
    }
}
