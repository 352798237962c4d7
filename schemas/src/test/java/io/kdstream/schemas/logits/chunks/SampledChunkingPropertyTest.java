package io.kdstream.schemas.logits.chunks;

import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.SampledSequence;
import io.kdstream.schemas.logits.SequenceLogits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** RS-KD's sampled records chunk like top-K ones: every chunk fits the limit and the chunks reassemble to the whole. */
class SampledChunkingPropertyTest {

    /** What Kafka adds around a value at most: batch header (61) and record header (21). */
    private static final int KAFKA_HEADERS_BYTES = 82;

    @Property(tries = 60)
    void sampledChunksFitTheLimitAndReassemble(@ForAll @IntRange(min = 1, max = 64) int draws, @ForAll @IntRange(min = 0, max = 400) int positions,
                                              @ForAll boolean logRatios, @ForAll("limits") int maxRecordBytes, @ForAll long seed) {
        Random random = new Random(seed);
        int vocabularySize = 151_936;
        int[] tokens = random.ints(positions + 1, 0, vocabularySize).toArray();
        float[] mask = new float[positions];
        Arrays.fill(mask, 1f);
        SampledSequence sampled = randomDraws(random, draws, positions, vocabularySize, logRatios);
        TeacherLogits.Builder header = TeacherLogits.newBuilder().setPromptId("p").setTeacher(LogitChunks.TEACHER).setTokenizerFingerprint("tok")
                .setK(sampled.k()).setValueKind(ValueKind.LOG_PROBS).setComputationId(7).setCreatedAt(Instant.EPOCH);

        List<TeacherLogits> chunks = new SequenceChunker(maxRecordBytes).split(header, tokens, mask, sampled);

        for (TeacherLogits chunk : chunks) {
            long recordBytes = KAFKA_HEADERS_BYTES + ChunkKeys.keyOf(chunk).getBytes(StandardCharsets.UTF_8).length + 5 + AvroSize.of(chunk);
            assertThat(recordBytes).isLessThanOrEqualTo(maxRecordBytes);
        }
        List<TeacherLogits> whole = new SequenceChunker(Integer.MAX_VALUE).split(header, tokens, mask, sampled);
        assertThat(whole).hasSize(1);
        List<TeacherLogits> shuffled = new ArrayList<>(chunks);
        Collections.shuffle(shuffled, random);
        ChunkAssembler assembler = new ChunkAssembler();
        List<SequenceLogits> assembled = shuffled.stream().map(assembler::accept).flatMap(Optional::stream).toList();
        assertThat(assembled).hasSize(1);
        LogitChunks.assertSameSequence(assembled.get(0), SequenceLogits.decode(whole.get(0)));
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.of(2048, 4096, 1 << 20);
    }

    /** {@code draws} draws a position from a few hundred ids, as many slots a position as the most distinct any drew. */
    private static SampledSequence randomDraws(Random random, int draws, int positions, int vocabularySize, boolean withLogRatios) {
        List<TreeMap<Integer, Integer>> drawn = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            TreeMap<Integer, Integer> counts = new TreeMap<>();
            for (int d = 0; d < draws; d++) {
                counts.merge((int) Math.min(vocabularySize - 1, Math.abs(random.nextGaussian()) * 300), 1, Integer::sum);
            }
            drawn.add(counts);
        }
        int slots = Math.max(1, drawn.stream().mapToInt(TreeMap::size).max().orElse(1));
        int[] ids = new int[positions * slots];
        int[] counts = new int[positions * slots];
        float[] logRatios = withLogRatios ? new float[positions * slots] : null;
        for (int p = 0; p < positions; p++) {
            int slot = p * slots;
            for (var entry : drawn.get(p).entrySet()) {
                ids[slot] = entry.getKey();
                counts[slot] = entry.getValue();
                if (logRatios != null) {
                    logRatios[slot] = (float) (random.nextDouble() * 4 - 2);
                }
                slot++;
            }
        }
        return new SampledSequence(slots, vocabularySize, ids, counts, logRatios, draws);
    }
}
