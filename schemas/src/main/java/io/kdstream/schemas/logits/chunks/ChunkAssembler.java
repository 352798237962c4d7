package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;

import java.util.Optional;

/**
 * Turns logit records into sequences: a whole-sequence record decodes at once; chunks are held by a
 * {@link ChunkCollector} until every chunk of their computation has arrived, and then decode together. Not
 * thread-safe: one per consumer.
 */
public final class ChunkAssembler {

    private final ChunkCollector<TeacherLogits> chunks = new ChunkCollector<>();

    /**
     * Takes one record; returns the sequence it completes, if it completes one. A malformed record or sequence fails
     * with the field named, and its chunks are dropped.
     */
    public Optional<SequenceLogits> accept(TeacherLogits record) {
        return chunks.accept(ChunkKeys.sequenceKeyOf(record), record.getPromptId(), record.getComputationId(),
                record.getChunkIndex(), record.getChunkCount(), record).map(SequenceLogits::decode);
    }

    /** Chunks held for computations not yet complete. */
    public int pendingChunks() {
        return chunks.pendingChunks();
    }
}
