package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RS-KD's records: counts and log ratios come back exactly as the weights the loss trains on. */
class SampledCountsTest {

    private static final int K = 6;
    private static final int POSITIONS = 30;
    private static final int VOCABULARY = 151_936;

    /** Random draws: up to K distinct ids a position from the first 500 ids, counts summing to 12, slots shuffled. */
    private record Draws(int[] ids, int[] counts, float[] logRatios) {
        static Draws random(long seed, boolean withRatios) {
            Random random = new Random(seed);
            int[] ids = new int[POSITIONS * K];
            int[] counts = new int[POSITIONS * K];
            float[] ratios = withRatios ? new float[POSITIONS * K] : null;
            for (int p = 0; p < POSITIONS; p++) {
                int distinct = 1 + random.nextInt(K);
                int[] chosen = random.ints(0, 500).distinct().limit(distinct).toArray();
                for (int d = 0; d < 12; d++) {
                    counts[p * K + (d < distinct ? d : random.nextInt(distinct))]++;
                }
                for (int r = 0; r < distinct; r++) {
                    ids[p * K + r] = chosen[r];
                    if (ratios != null) {
                        ratios[p * K + r] = (float) (0.5 * random.nextGaussian());
                    }
                }
            }
            return new Draws(ids, counts, ratios);
        }

        /** What the loss needs at slot (p, r) as given: log(c / N) + log ratio, by id. */
        double expected(int p, int id) {
            for (int r = 0; r < K; r++) {
                if (counts[p * K + r] > 0 && ids[p * K + r] == id) {
                    double draws = Arrays.stream(counts, p * K, p * K + K).sum();
                    return (float) ((float) Math.log(counts[p * K + r] / draws) + (logRatios == null ? 0 : (double) logRatios[p * K + r]));
                }
            }
            throw new AssertionError("id " + id + " was not drawn at position " + p);
        }
    }

    private static TeacherLogits record(EncodedTopK encoded) {
        return encoded.applyTo(TeacherLogits.newBuilder())
                .setPromptId("p").setTeacher(new TeacherIdentity("t", "1", "f")).setTokenizerFingerprint("tok")
                .setTokenIds(IntStream.rangeClosed(0, POSITIONS).boxed().toList()).setLossMask(ByteBuffer.allocate(POSITIONS))
                .setK(K).setPositions(POSITIONS).setValueKind(ValueKind.LOG_PROBS).setCreatedAt(Instant.EPOCH).build();
    }

    @Test
    void shouldDecodeEachDrawnIdsWeightExactlyWithAndWithoutLogRatios() {
        for (boolean withRatios : new boolean[] {false, true}) {
            for (long seed = 0; seed < 20; seed++) {
                Draws draws = Draws.random(seed, withRatios);
                EncodedTopK encoded = SampledCounts.encode(K, VOCABULARY, draws.ids(), draws.counts(), draws.logRatios(), 0, POSITIONS);
                assertThat(encoded.valueEncoding()).isEqualTo(ValueEncoding.SAMPLED_COUNTS);
                SequenceLogits decoded = SequenceLogits.decode(record(encoded));
                for (int p = 0; p < POSITIONS; p++) {
                    int used = (int) Arrays.stream(draws.counts(), p * K, p * K + K).filter(c -> c > 0).count();
                    for (int r = 0; r < K; r++) {
                        float value = decoded.values()[p * K + r];
                        if (r < used) {
                            assertThat((double) value).isEqualTo(draws.expected(p, decoded.ids()[p * K + r]));
                        } else {
                            assertThat(value).isEqualTo(Float.NEGATIVE_INFINITY);
                        }
                        if (r > 0) {
                            assertThat(value).isLessThanOrEqualTo(decoded.values()[p * K + r - 1]);
                        }
                    }
                    assertThat(decoded.logSumExp()[p]).isZero();
                }
            }
        }
    }

    @Test
    void shouldTakeAFewBytesAPositionForTwelveDraws() {
        Draws draws = Draws.random(3, false);
        EncodedTopK encoded = SampledCounts.encode(K, VOCABULARY, draws.ids(), draws.counts(), null, 0, POSITIONS);
        // counts of 12 draws in 6 slots: a few bits each; ids from 500 of 151,936 recur, so under 18 bits each
        assertThat(encoded.values().remaining()).isLessThan(POSITIONS * K / 2);
        assertThat(encoded.ids().remaining()).isLessThan(BitPackedIds.bytesFor(POSITIONS * K, BitPackedIds.bitsFor(VOCABULARY)));
    }

    @Test
    void shouldNameTheFieldAndPositionOfBadCountsAndTruncatedBytes() {
        int[] noDraws = new int[K];
        assertThatThrownBy(() -> SampledCounts.encode(K, VOCABULARY, new int[K], noDraws, null, 0, 1))
                .hasMessageContaining("counts: position 0 has no draws");
        Draws draws = Draws.random(4, true);
        TeacherLogits valid = record(SampledCounts.encode(K, VOCABULARY, draws.ids(), draws.counts(), draws.logRatios(), 0, POSITIONS));
        ByteBuffer values = valid.getTopkValues();
        TeacherLogits truncated = TeacherLogits.newBuilder(valid)
                .setTopkValues(ByteBuffer.wrap(Arrays.copyOf(values.array(), values.remaining() - 3))).build();
        assertThatThrownBy(() -> SequenceLogits.decode(truncated)).hasMessageContaining("prompt p").hasMessageContaining("topkValues is truncated");
        // no ratios, parameter 0, and then zero bits only: a Rice code that never ends
        TeacherLogits zeros = TeacherLogits.newBuilder(valid).setTopkValues(ByteBuffer.wrap(new byte[3])).build();
        assertThatThrownBy(() -> SequenceLogits.decode(zeros)).hasMessageContaining("topkValues");
        // no ratios, parameter 0, every count 0 (one bits): positions without draws
        byte[] unused = new byte[(5 + POSITIONS * K + 7) / 8];
        Arrays.fill(unused, (byte) 0xff);
        unused[0] = (byte) 0b1110_0000;
        unused[unused.length - 1] = (byte) ((1 << ((5 + POSITIONS * K) % 8 == 0 ? 8 : (5 + POSITIONS * K) % 8)) - 1);
        TeacherLogits noDrawsRecord = TeacherLogits.newBuilder(valid).setTopkValues(ByteBuffer.wrap(unused)).build();
        assertThatThrownBy(() -> SequenceLogits.decode(noDrawsRecord)).hasMessageContaining("topkValues: position 0 has no draws");
    }
}
