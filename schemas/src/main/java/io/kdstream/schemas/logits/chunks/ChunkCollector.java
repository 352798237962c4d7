package io.kdstream.schemas.logits.chunks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds the chunks of a sequence's computations until one computation has all of them, in any order and interleaved
 * with other sequences' chunks; the rules every reader of the logit cache follows (see {@link ChunkAssembler}, which
 * decodes what this collects). Chunks of different computations of one sequence ({@code computationId}) are never
 * combined. Across computations it relies on the order one partition gives (see {@link ChunkKeys}): when a
 * computation completes, those of the same sequence that began arriving before it are dropped as superseded, and the
 * chunks of an older computation that compaction left behind go with them. Not thread-safe: one per consumer.
 *
 * @param <C> a chunk as its reader holds it: a decoded record, or its bytes for a reader that files them undecoded
 */
public final class ChunkCollector<C> {

    /** Computations in progress, by sequence key, in the order their first chunk arrived. */
    private final Map<String, List<Computation<C>>> pending = new HashMap<>();

    /**
     * Takes one chunk; returns the chunks of its computation, by index, if it completes one. A chunk whose index or
     * count does not fit fails with the prompt and the field named, and its computation's chunks are dropped.
     *
     * @param sequenceKey the key of the sequence ({@link ChunkKeys#sequenceKeyOf})
     */
    public Optional<List<C>> accept(String sequenceKey, String promptId, long computationId, int index, int count, C chunk) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("record of prompt " + promptId + ": chunkIndex " + index + " is not within chunkCount " + count);
        }
        List<Computation<C>> computations = pending.computeIfAbsent(sequenceKey, key -> new ArrayList<>());
        Computation<C> computation = computations.stream().filter(c -> c.id == computationId).findFirst().orElse(null);
        if (computation == null) {
            computation = new Computation<>(computationId, count);
            computations.add(computation);
        } else if (computation.chunks.length != count) {
            dropThrough(sequenceKey, computations, computation);
            throw new IllegalArgumentException("record of prompt " + promptId + ": chunkCount " + count + " differs from the "
                    + computation.chunks.length + " of the earlier chunks of computation " + computation.id);
        }
        if (computation.chunks[index] == null) {
            computation.missing--;
        }
        computation.chunks[index] = chunk;
        if (computation.missing > 0) {
            return Optional.empty();
        }
        dropThrough(sequenceKey, computations, computation);
        @SuppressWarnings("unchecked")
        List<C> chunks = (List<C>) Arrays.asList(computation.chunks);
        return Optional.of(chunks);
    }

    /** Chunks held for computations not yet complete. */
    public int pendingChunks() {
        return pending.values().stream().flatMap(List::stream).mapToInt(c -> c.chunks.length - c.missing).sum();
    }

    /** Forgets a computation and those of its sequence that began before it. */
    private void dropThrough(String sequenceKey, List<Computation<C>> computations, Computation<C> last) {
        computations.subList(0, computations.indexOf(last) + 1).clear();
        if (computations.isEmpty()) {
            pending.remove(sequenceKey);
        }
    }

    private static final class Computation<C> {
        private final long id;
        private final Object[] chunks;
        private int missing;

        private Computation(long id, int count) {
            this.id = id;
            this.chunks = new Object[count];
            this.missing = count;
        }
    }
}
