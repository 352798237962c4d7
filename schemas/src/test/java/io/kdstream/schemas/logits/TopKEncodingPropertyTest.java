package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.schemas.logits.TeacherDistributions.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What each top-K encoding promises, over random teacher outputs, through a whole record and back. */
class TopKEncodingPropertyTest {

    private static final double KL_BOUND = 1e-3;

    /** One random teacher output: K, vocabulary, positions, shape and kind of values; ids drawn from the first {@code idsInUse}. */
    record Case(int k, int vocabularySize, int positions, Shape shape, boolean logProbabilities, long seed, int idsInUse) {
        Case(int k, int vocabularySize, int positions, Shape shape, boolean logProbabilities, long seed) {
            this(k, vocabularySize, positions, shape, logProbabilities, seed, vocabularySize);
        }

        TopKSequence topK() {
            return TeacherDistributions.random(k, vocabularySize, idsInUse, positions, shape, logProbabilities, seed);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(1, 8, 64, 100), Arbitraries.of(100, 32_000, 128_000), Arbitraries.integers().between(1, 6),
                Arbitraries.of(Shape.class), Arbitraries.of(false, true), Arbitraries.longs()).as(Case::new);
    }

    static SequenceLogits roundTrip(TopKEncoding encoding, TopKSequence topK) {
        EncodedTopK encoded = encoding.encode(topK, 0, topK.positions());
        TeacherLogits record = encoded.applyTo(TeacherLogits.newBuilder())
                .setPromptId("p").setTeacher(new TeacherIdentity("t", "1", "f")).setTokenizerFingerprint("tok")
                .setTokenIds(IntStream.rangeClosed(0, topK.positions()).boxed().toList())
                .setLossMask(SequenceLogits.encodeMask(new float[topK.positions()]))
                .setK(topK.k()).setPositions(topK.positions()).setCreatedAt(Instant.EPOCH)
                .setValueKind(topK.logSumExp() == null ? ValueKind.LOG_PROBS : ValueKind.RAW_LOGITS)
                .build();
        return SequenceLogits.decode(record);
    }

    @Property
    void idsRoundTripExactlyInEveryEncoding(@ForAll("cases") Case c, @ForAll TopKEncoding encoding) {
        TopKSequence topK = c.topK();
        assertThat(roundTrip(encoding, topK).ids()).isEqualTo(topK.ids());
    }

    @Property
    void float32IsBitExact(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        SequenceLogits decoded = roundTrip(TopKEncoding.FLOAT32, topK);
        assertThat(bits(decoded.values())).isEqualTo(bits(topK.values()));
        float[] expectedLogSumExp = topK.logSumExp() == null ? new float[topK.positions()] : topK.logSumExp();
        assertThat(bits(decoded.logSumExp())).isEqualTo(bits(expectedLogSumExp));
    }

    @Property
    void packedKeepsEachPositionDescendingWithItsTies(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        float[] decoded = roundTrip(TopKEncoding.PACKED, topK).values();
        for (int i = 0; i < decoded.length; i++) {
            if (i % c.k() != 0) {
                assertThat(decoded[i]).isLessThanOrEqualTo(decoded[i - 1]);
                if (topK.values()[i] == topK.values()[i - 1]) {
                    assertThat(decoded[i]).isEqualTo(decoded[i - 1]);
                }
            }
        }
    }

    @Property
    void packedStaysWithinAThousandthOfANatRenormalisedAndWithTheTail(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        SequenceLogits decoded = roundTrip(TopKEncoding.PACKED, topK);
        float[] exactLogSumExp = topK.logSumExp() == null ? new float[topK.positions()] : topK.logSumExp();
        for (int p = 0; p < topK.positions(); p++) {
            int from = p * c.k();
            assertThat(TopKDivergence.renormalised(topK.values(), decoded.values(), from, c.k()))
                    .as("renormalised KL at position %d", p).isLessThanOrEqualTo(KL_BOUND);
            assertThat(TopKDivergence.withTail(topK.values(), exactLogSumExp[p], decoded.values(), decoded.logSumExp()[p], from, c.k()))
                    .as("KL with the tail at position %d", p).isLessThanOrEqualTo(KL_BOUND);
        }
    }

    @Property
    void compactDecodesToPackedValuesBitForBit(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        SequenceLogits packed = roundTrip(TopKEncoding.PACKED, topK);
        SequenceLogits compact = roundTrip(TopKEncoding.COMPACT, topK);
        assertThat(bits(compact.values())).isEqualTo(bits(packed.values()));
        assertThat(bits(compact.logSumExp())).isEqualTo(bits(packed.logSumExp()));
    }

    @Property
    void compactStaysWithinItsBoundAndNeverTakesMoreIdBytesThanBitPacking(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        EncodedTopK compact = TopKEncoding.COMPACT.encode(topK, 0, topK.positions());
        EncodedTopK packed = TopKEncoding.PACKED.encode(topK, 0, topK.positions());
        assertThat(compact.ids().remaining()).isLessThanOrEqualTo(packed.ids().remaining());
        assertThat((long) compact.bytes()).isLessThanOrEqualTo(TopKEncoding.COMPACT.bytes(topK, topK.positions()));
        assertThat(compact.idBits()).isEqualTo(BitPackedIds.bitsFor(c.vocabularySize()));
    }

    @Property
    void compactCodesRepeatedIdsInFewerBitsThanTheVocabularysWidth(@ForAll("repeating") Case c) {
        TopKSequence topK = c.topK();
        EncodedTopK compact = TopKEncoding.COMPACT.encode(topK, 0, topK.positions());
        assertThat(compact.idEncoding()).isEqualTo(IdEncoding.FREQUENCY_CLASSES);
        assertThat(compact.ids().remaining() * 8.0 / topK.ids().length).isLessThan(BitPackedIds.bitsFor(c.vocabularySize()));
        assertThat(roundTrip(TopKEncoding.COMPACT, topK).ids()).isEqualTo(topK.ids());
    }

    /** Teacher output whose ids come from a small part of a large vocabulary, as frequent tokens do. */
    @Provide
    Arbitrary<Case> repeating() {
        return Combinators.combine(Arbitraries.of(8, 64), Arbitraries.of(32_000, 151_936), Arbitraries.integers().between(64, 128),
                Arbitraries.of(Shape.TYPICAL, Shape.TIES), Arbitraries.of(false, true), Arbitraries.longs(), Arbitraries.of(256, 1024)).as(Case::new);
    }

    @Property
    void packedTakesOneByteAValuePlusTheIdBits(@ForAll("cases") Case c) {
        TopKSequence topK = c.topK();
        int entries = topK.ids().length;
        int bytes = TopKEncoding.PACKED.encode(topK, 0, topK.positions()).bytes();
        double bytesPerEntry = (double) bytes / entries;
        int idBits = BitPackedIds.bitsFor(c.vocabularySize());
        assertThat(bytesPerEntry).isLessThanOrEqualTo((idBits + 8) / 8.0 + 1.0 / entries);
        if (c.vocabularySize() == 100) {
            assertThat(bytesPerEntry).isLessThanOrEqualTo(2.0);
        }
        assertThat(TopKEncoding.PACKED.bytes(topK, topK.positions())).isEqualTo(bytes);
    }

    private static int[] bits(float[] values) {
        return IntStream.range(0, values.length).map(i -> Float.floatToRawIntBits(values[i])).toArray();
    }

    @Property(tries = 50)
    void bitPackingRoundTripsAtEveryWidth(@ForAll("widths") int bits, @ForAll long seed) {
        int vocabularySize = bits == 31 ? Integer.MAX_VALUE : 1 << bits;
        int[] ids = new Random(seed).ints(37, 0, vocabularySize).toArray();
        int[] decoded = new int[ids.length + 3];
        BitPackedIds.unpack(BitPackedIds.pack(ids, 0, ids.length, vocabularySize), bits, ids.length, decoded, 3);
        assertThat(Arrays.copyOfRange(decoded, 3, decoded.length)).isEqualTo(ids);
    }

    @Provide
    Arbitrary<Integer> widths() {
        return Arbitraries.integers().between(1, BitPackedIds.MAX_BITS);
    }
}
