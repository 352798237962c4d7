package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.logits.TopKEncoding;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Splitting under a byte limit loses nothing, and every reader gets the sequence back whatever order chunks come in. */
class SequenceChunkerPropertyTest {

    /** What Kafka adds around a value at most: batch header (61) and record header (21). */
    private static final int KAFKA_HEADERS_BYTES = 82;

    record Case(int k, int vocabularySize, int positions, TopKEncoding encoding, int maxRecordBytes, long seed) {
        LogitChunks sequence(String promptId) {
            return LogitChunks.random(promptId, k, vocabularySize, positions, seed);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(1, 8, 64, 100), Arbitraries.of(100, 128_000), Arbitraries.integers().between(0, 300),
                Arbitraries.of(TopKEncoding.class), Arbitraries.of(4096, 16_384, 1 << 20), Arbitraries.longs()).as(Case::new);
    }

    @Property(tries = 150)
    void everyChunkFitsTheLimitAndTheChunksReassembleToTheSequence(@ForAll("cases") Case c) {
        LogitChunks sequence = c.sequence("p");
        List<TeacherLogits> chunks = sequence.split(c.encoding(), c.maxRecordBytes(), 42);

        for (TeacherLogits chunk : chunks) {
            long recordBytes = KAFKA_HEADERS_BYTES + ChunkKeys.keyOf(chunk).getBytes(StandardCharsets.UTF_8).length + 5 + AvroSize.of(chunk);
            assertThat(recordBytes).isLessThanOrEqualTo(c.maxRecordBytes());
        }
        long wholeBytes = 5 + AvroSize.of(sequence.split(c.encoding(), Integer.MAX_VALUE, 42).get(0));
        if (wholeBytes <= c.maxRecordBytes() / 2) {
            assertThat(chunks).hasSize(1);
        }
        List<TeacherLogits> shuffled = new ArrayList<>(chunks);
        Collections.shuffle(shuffled, new Random(c.seed()));
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> assembled = shuffled.stream().map(assembler::accept).flatMap(Optional::stream).toList();

        assertThat(assembled).hasSize(1);
        LogitChunks.assertSameSequence(assembled.get(0), sequence.expected(c.encoding()));
        assertThat(assembler.pendingChunks()).isZero();
        if (c.encoding() == TopKEncoding.FLOAT32) {
            assertThat(assembled.get(0).values()).isEqualTo(sequence.topK().values());
        }
    }

    @Property(tries = 30)
    void interleavedSequencesComeOutOnceEachFromChunksThatShareTheirPartition(@ForAll long seed, @ForAll TopKEncoding encoding) {
        List<LogitChunks> sequences = List.of(LogitChunks.random("a", 8, 100, 500, seed), LogitChunks.random("b", 64, 128_000, 120, seed + 1),
                LogitChunks.random("c", 1, 100, 30, seed + 2));
        List<TeacherLogits> records = new ArrayList<>();
        for (LogitChunks sequence : sequences) {
            List<TeacherLogits> chunks = sequence.split(encoding, 4096, seed);
            assertThat(chunks).extracting(chunk -> ChunkKeys.partitionOf(chunk, 7)).containsOnly(ChunkKeys.partitionOf(chunks.get(0), 7));
            assertThat(chunks).extracting(ChunkKeys::keyOf).doesNotHaveDuplicates()
                    .allSatisfy(key -> assertThat(LogitsKey.promptOf(key)).isEqualTo(sequence.promptId()))
                    .first().isEqualTo(LogitsKey.of(LogitChunks.TEACHER.getFingerprint(), sequence.promptId()));
            records.addAll(chunks);
        }
        Collections.shuffle(records, new Random(seed));
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> assembled = records.stream().map(assembler::accept).flatMap(Optional::stream).toList();

        assertThat(assembled).extracting(SequenceLogits::promptId).containsExactlyInAnyOrder("a", "b", "c");
        for (SequenceLogits logits : assembled) {
            LogitChunks.assertSameSequence(logits, sequences.stream().filter(s -> s.promptId().equals(logits.promptId())).findFirst().orElseThrow()
                    .expected(encoding));
        }
    }
}
