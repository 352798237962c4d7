package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.Split;

/**
 * What a reader needs to file a logit record without decoding its logits: whose it is, which split, how many
 * entries and positions, which chunk. Read by a {@link LogitSummaryReader}, so the token ids, mask and top-K bytes
 * are skipped rather than decoded (see {@code TopicCatalogue#teacherLogitsSummaries}).
 */
public record LogitRecordSummary(String promptId, Split split, String teacherFingerprint, String tokenizerFingerprint, int k,
                                 int positions, int chunkIndex, int chunkCount, long computationId) {
}
