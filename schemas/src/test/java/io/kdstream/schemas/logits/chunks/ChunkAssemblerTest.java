package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkAssemblerTest {

    private static final int LIMIT = 4096;
    private static final LogitChunks SEQUENCE = LogitChunks.random("p", 16, 100, 400, 7);

    /** What compaction leaves of a log: the last record of each key, at that record's place. */
    private static List<TeacherLogits> compacted(List<TeacherLogits> log) {
        Map<String, TeacherLogits> lastByKey = new LinkedHashMap<>();
        Map<TeacherLogits, Integer> offsets = new java.util.IdentityHashMap<>();
        for (int offset = 0; offset < log.size(); offset++) {
            lastByKey.put(ChunkKeys.keyOf(log.get(offset)), log.get(offset));
            offsets.put(log.get(offset), offset);
        }
        return lastByKey.values().stream().sorted(java.util.Comparator.comparing(offsets::get)).toList();
    }

    private static List<SequenceLogits> readAll(List<TeacherLogits> log, ChunkAssembler assembler) {
        return log.stream().map(assembler::accept).flatMap(Optional::stream).toList();
    }

    @Test
    void shouldNeverMixInTheChunksAnOlderComputationLeftBehind() {
        List<TeacherLogits> older = SEQUENCE.split(TopKEncoding.FLOAT32, LIMIT, 1);
        List<TeacherLogits> newer = SEQUENCE.split(TopKEncoding.PACKED, LIMIT, 2);
        assertThat(older.size()).isGreaterThan(newer.size()).isGreaterThan(1);
        List<TeacherLogits> log = new ArrayList<>(older);
        log.addAll(newer);

        List<TeacherLogits> afterCompaction = compacted(log);
        assertThat(afterCompaction).hasSize(older.size()).extracting(TeacherLogits::getComputationId).contains(1L, 2L);
        ChunkAssembler replay = new ChunkAssembler();
        List<SequenceLogits> replayed = readAll(afterCompaction, replay);
        assertThat(replayed).hasSize(1);
        LogitChunks.assertSameSequence(replayed.get(0), SEQUENCE.expected(TopKEncoding.PACKED));
        assertThat(replay.pendingChunks()).isZero();

        ChunkAssembler live = new ChunkAssembler();
        List<SequenceLogits> lived = readAll(log, live);
        assertThat(lived).hasSize(2);
        LogitChunks.assertSameSequence(lived.get(1), SEQUENCE.expected(TopKEncoding.PACKED));
        assertThat(live.pendingChunks()).isZero();
    }

    @Test
    void shouldDropAnUnfinishedComputationWhenALaterOneCompletes() {
        List<TeacherLogits> abandoned = SEQUENCE.split(TopKEncoding.PACKED, LIMIT, 1);
        List<TeacherLogits> log = new ArrayList<>(abandoned.subList(0, abandoned.size() - 1));
        log.addAll(SEQUENCE.split(TopKEncoding.PACKED, 1 << 20, 2));
        ChunkAssembler assembler = new ChunkAssembler();

        assertThat(readAll(log, assembler)).hasSize(1);
        assertThat(assembler.pendingChunks()).isZero();
    }

    @Test
    void shouldRefuseAChunkWhoseCountContradictsItsComputation() {
        List<TeacherLogits> chunks = SEQUENCE.split(TopKEncoding.PACKED, LIMIT, 1);
        ChunkAssembler assembler = new ChunkAssembler();
        assembler.accept(chunks.get(0));
        TeacherLogits contradicting = TeacherLogits.newBuilder(chunks.get(1)).setChunkCount(chunks.size() + 1).build();

        assertThatThrownBy(() -> assembler.accept(contradicting)).hasMessageContaining("prompt p").hasMessageContaining("chunkCount");
        assertThatThrownBy(() -> assembler.accept(TeacherLogits.newBuilder(chunks.get(1)).setChunkIndex(chunks.size()).build()))
                .hasMessageContaining("chunkIndex " + chunks.size() + " is not within chunkCount");
        assertThat(assembler.pendingChunks()).isZero();
    }

    @Test
    void shouldNameTheChunkWhosePositionsDoNotFollowTheOnesBefore() {
        List<TeacherLogits> chunks = SEQUENCE.split(TopKEncoding.PACKED, LIMIT, 1);
        ChunkAssembler assembler = new ChunkAssembler();
        for (int i = 0; i < chunks.size() - 1; i++) {
            assembler.accept(chunks.get(i));
        }
        TeacherLogits last = chunks.get(chunks.size() - 1);
        TeacherLogits shifted = TeacherLogits.newBuilder(last).setFirstPosition(last.getFirstPosition() + 1).build();

        assertThatThrownBy(() -> assembler.accept(shifted))
                .hasMessageContaining("chunk " + (chunks.size() - 1) + " of " + chunks.size()).hasMessageContaining("firstPosition");
    }

    @Test
    void shouldSayWhenOnePositionCannotFitTheLimit() {
        LogitChunks wide = LogitChunks.random("wide", 100, 128_000, 3, 1);
        assertThatThrownBy(() -> wide.split(TopKEncoding.FLOAT32, 1024, 1))
                .hasMessageContaining("prompt wide: one position of 100 entries does not fit a 1024-byte record");
    }
}
