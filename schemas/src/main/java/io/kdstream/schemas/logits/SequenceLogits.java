package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.TeacherLogits;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A sequence's TeacherLogits decoded into plain arrays: position p holds the teacher's top-K for the token at p+1,
 * and {@code values - logSumExp} are the teacher's log-probabilities of those entries (see {@link TopKDecoder}).
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
                    + " of " + record.getChunkCount() + "; chunks are decoded together, by a ChunkAssembler");
        }
        return decode(List.of(record));
    }

    /**
     * Decodes the chunks of one computation of a sequence, in chunk order, into one sequence. Each chunk holds the
     * tokens of its positions and the one after the last, so consecutive chunks share a token.
     */
    public static SequenceLogits decode(List<TeacherLogits> chunks) {
        TeacherLogits first = chunks.get(0);
        int k = first.getK();
        long totalPositions = 0;
        for (int i = 0; i < chunks.size(); i++) {
            TeacherLogits chunk = chunks.get(i);
            requireChunk(chunk, chunk.getChunkIndex() == i && chunk.getChunkCount() == chunks.size(), "chunkIndex",
                    "chunk " + chunk.getChunkIndex() + " of " + chunk.getChunkCount() + " is at place " + i + " of " + chunks.size());
            requireChunk(chunk, chunk.getK() == k && k >= 1, "k", "k is " + chunk.getK() + ", the first chunk's " + k);
            requireChunk(chunk, chunk.getPositions() >= 0 && chunk.getFirstPosition() == totalPositions, "firstPosition",
                    "positions " + chunk.getFirstPosition() + " + " + chunk.getPositions() + " do not follow the " + totalPositions + " before");
            requireChunk(chunk, chunk.getTokenIds().size() == chunk.getPositions() + 1, "tokenIds",
                    chunk.getTokenIds().size() + " tokens for " + chunk.getPositions() + " positions; expected " + (chunk.getPositions() + 1));
            requireChunk(chunk, chunk.getLossMask().remaining() == chunk.getPositions(), "lossMask",
                    chunk.getLossMask().remaining() + " bytes for " + chunk.getPositions() + " positions");
            // every value encoding takes a bit or more an entry: what is allocated below stays proportional to the record
            requireChunk(chunk, (long) chunk.getPositions() * k <= 8L * chunk.getTopkValues().remaining(), "topkValues",
                    chunk.getTopkValues().remaining() + " bytes cannot hold " + chunk.getPositions() + " positions of " + k + " entries");
            if (i > 0) {
                List<Integer> previous = chunks.get(i - 1).getTokenIds();
                requireChunk(chunk, chunk.getTokenIds().get(0).equals(previous.get(previous.size() - 1)), "tokenIds",
                        "the first token differs from the previous chunk's last");
            }
            totalPositions += chunk.getPositions();
        }
        int positions = Math.toIntExact(totalPositions);
        int entries = Math.multiplyExact(positions, k);
        int[] tokens = new int[positions + 1];
        float[] mask = new float[positions];
        int[] ids = new int[entries];
        float[] values = new float[entries];
        float[] logSumExp = new float[positions];
        for (TeacherLogits chunk : chunks) {
            int start = chunk.getFirstPosition();
            List<Integer> chunkTokens = chunk.getTokenIds();
            for (int t = 0; t < chunkTokens.size(); t++) {
                tokens[start + t] = chunkTokens.get(t);
            }
            ByteBuffer maskBytes = chunk.getLossMask().duplicate();
            for (int p = 0; p < chunk.getPositions(); p++) {
                mask[start + p] = maskBytes.get() != 0 ? 1f : 0f;
            }
            try {
                TopKDecoder.decodeInto(chunk, ids, values, logSumExp, start);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(describe(chunk) + ": " + e.getMessage(), e);
            }
        }
        return new SequenceLogits(first.getPromptId(), first.getTeacher().getFingerprint(), first.getTokenizerFingerprint(),
                tokens, mask, k, ids, values, logSumExp);
    }

    private static void requireChunk(TeacherLogits chunk, boolean holds, String field, String problem) {
        if (!holds) {
            throw new IllegalArgumentException(describe(chunk) + ": " + field + ": " + problem);
        }
    }

    private static String describe(TeacherLogits chunk) {
        return "record of prompt " + chunk.getPromptId() + (chunk.getChunkCount() == 1 ? ""
                : " (chunk " + chunk.getChunkIndex() + " of " + chunk.getChunkCount() + ")");
    }

    /** The loss mask as one byte a position, as records carry it. */
    public static ByteBuffer encodeMask(float[] mask) {
        return encodeMask(mask, 0, mask.length);
    }

    public static ByteBuffer encodeMask(float[] mask, int from, int count) {
        ByteBuffer out = ByteBuffer.allocate(count);
        for (int p = from; p < from + count; p++) {
            out.put(mask[p] != 0 ? (byte) 1 : (byte) 0);
        }
        return out.flip();
    }
}
