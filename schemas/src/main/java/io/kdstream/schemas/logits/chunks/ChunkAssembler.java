package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every reader of the logit cache uses to turn records into sequences: a whole-sequence record decodes at
 * once; chunks are held until every chunk of their computation has arrived, in any order and interleaved with other
 * sequences' chunks, and then decode together.
 *
 * <p>Chunks of different computations of one sequence (different {@code computationId}) are never combined. Across
 * computations the assembler relies on the order one partition gives (see {@link ChunkKeys}): when a computation
 * completes, those of the same sequence that began arriving before it are dropped as superseded, and the chunks of an
 * older computation that compaction left behind go with them. Not thread-safe: one per consumer.
 */
public final class ChunkAssembler {

    /** Computations in progress, by sequence key, in the order their first chunk arrived. */
    private final Map<String, List<Computation>> pending = new HashMap<>();

    /**
     * Takes one record; returns the sequence it completes, if it completes one. A malformed record or sequence fails
     * with the field named, and its chunks are dropped.
     */
    public Optional<SequenceLogits> accept(TeacherLogits record) {
        int count = record.getChunkCount();
        int index = record.getChunkIndex();
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("record of prompt " + record.getPromptId() + ": chunkIndex " + index + " is not within chunkCount " + count);
        }
        String sequence = ChunkKeys.sequenceKeyOf(record);
        List<Computation> computations = pending.computeIfAbsent(sequence, key -> new ArrayList<>());
        Computation computation = computations.stream().filter(c -> c.id == record.getComputationId()).findFirst().orElse(null);
        if (computation == null) {
            computation = new Computation(record.getComputationId(), count);
            computations.add(computation);
        } else if (computation.chunks.length != count) {
            dropThrough(sequence, computations, computation);
            throw new IllegalArgumentException("record of prompt " + record.getPromptId() + ": chunkCount " + count + " differs from the "
                    + computation.chunks.length + " of the earlier chunks of computation " + computation.id);
        }
        if (computation.chunks[index] == null) {
            computation.missing--;
        }
        computation.chunks[index] = record;
        if (computation.missing > 0) {
            return Optional.empty();
        }
        dropThrough(sequence, computations, computation);
        return Optional.of(SequenceLogits.decode(Arrays.asList(computation.chunks)));
    }

    /** Chunks held for computations not yet complete. */
    public int pendingChunks() {
        return pending.values().stream().flatMap(List::stream).mapToInt(c -> c.chunks.length - c.missing).sum();
    }

    /** Forgets a computation and those of its sequence that began before it. */
    private void dropThrough(String sequence, List<Computation> computations, Computation last) {
        computations.subList(0, computations.indexOf(last) + 1).clear();
        if (computations.isEmpty()) {
            pending.remove(sequence);
        }
    }

    private static final class Computation {
        private final long id;
        private final TeacherLogits[] chunks;
        private int missing;

        private Computation(long id, int count) {
            this.id = id;
            this.chunks = new TeacherLogits[count];
            this.missing = count;
        }
    }
}
