package io.kdstream.schemas.logits;

import io.kdstream.schemas.avro.IdEncoding;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.avro.ValueEncoding;
import io.kdstream.schemas.avro.ValueKind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bytes that do not match their declared encoding, and teacher output that breaks the contract, fail with the field named. */
class TopKDecodingErrorsTest {

    private static final int K = 4;

    /** A valid packed record of two positions (3 tokens, V = 100). */
    private static TeacherLogits.Builder packed() {
        TopKSequence topK = new TopKSequence(K, 100, new int[]{5, 6, 7, 8, 9, 10, 11, 12},
                new float[]{3, 2, 1, 0, 1, 1, 0, -1}, new float[]{4, 2.5f});
        return TopKEncoding.PACKED.encode(topK, 0, 2).applyTo(TeacherLogits.newBuilder())
                .setPromptId("p").setTeacher(new TeacherIdentity("t", "1", "f")).setTokenizerFingerprint("tok")
                .setTokenIds(List.of(1, 2, 3)).setLossMask(ByteBuffer.wrap(new byte[]{1, 1}))
                .setK(K).setPositions(2).setValueKind(ValueKind.RAW_LOGITS).setCreatedAt(Instant.EPOCH);
    }

    private static ByteBuffer bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return ByteBuffer.wrap(out);
    }

    @Test
    void shouldNameTopkIdsWhenPackedIdsAreTruncated() {
        TeacherLogits record = packed().setTopkIds(bytes(1, 2, 3)).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("prompt p").hasMessageContaining("topkIds holds 3 bytes, expected 7");
    }

    @Test
    void shouldNameIdBitsWhenTheWidthIsMissing() {
        TeacherLogits record = packed().setIdBits(0).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("idBits is 0");
    }

    @Test
    void shouldNameTopkValuesWhenPackedValuesHaveTheWrongLength() {
        TeacherLogits record = packed().setTopkValues(bytes(0, 1, 2)).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("topkValues holds 3 bytes, expected 8");
    }

    @Test
    void shouldNameTopkValuesWhenPackedOffsetsWouldBreakTheDescendingOrder() {
        TeacherLogits record = packed().setTopkValues(bytes(0, 9, 4, 20, 0, 1, 2, 3)).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("topkValues: the offsets of position 0 decrease at entry 2");
    }

    /** A valid compact record of 40 positions whose ids recur (V = 151,936), so the ids are frequency-class coded. */
    private static TeacherLogits.Builder compact() {
        TopKSequence topK = TeacherDistributions.random(K, 151_936, 64, 40, TeacherDistributions.Shape.TYPICAL, false, 3);
        EncodedTopK encoded = TopKEncoding.COMPACT.encode(topK, 0, 40);
        assertThat(encoded.idEncoding()).isEqualTo(IdEncoding.FREQUENCY_CLASSES);
        return encoded.applyTo(TeacherLogits.newBuilder())
                .setPromptId("p").setTeacher(new TeacherIdentity("t", "1", "f")).setTokenizerFingerprint("tok")
                .setTokenIds(IntStream.rangeClosed(0, 40).boxed().toList()).setLossMask(ByteBuffer.allocate(40))
                .setK(K).setPositions(40).setValueKind(ValueKind.RAW_LOGITS).setCreatedAt(Instant.EPOCH);
    }

    private static ByteBuffer cut(ByteBuffer bytes, int length) {
        return ByteBuffer.wrap(Arrays.copyOf(bytes.array(), length));
    }

    @Test
    void shouldNameTheFieldWhenCompactBytesAreTruncatedOrTooLong() {
        TeacherLogits valid = compact().build();
        SequenceLogits.decode(valid);
        int ids = valid.getTopkIds().remaining();
        int values = valid.getTopkValues().remaining();
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkIds(cut(valid.getTopkIds(), ids - 2)).build()))
                .hasMessageContaining("prompt p").hasMessageContaining("topkIds is truncated");
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkIds(cut(valid.getTopkIds(), ids + 1)).build()))
                .hasMessageContaining("topkIds holds " + (ids + 1) + " bytes, more than its content");
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkValues(cut(valid.getTopkValues(), values - 1)).build()))
                .hasMessageContaining("topkValues is truncated");
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkValues(cut(valid.getTopkValues(), values + 1)).build()))
                .hasMessageContaining("topkValues holds " + (values + 1) + " bytes, more than its content");
    }

    @Test
    void shouldNameTheFieldWhenCompactBytesAreCorrupt() {
        TeacherLogits valid = compact().build();
        // every single flipped bit either decodes to something else or fails naming its field; none crashes otherwise
        for (String field : new String[]{"topkIds", "topkValues"}) {
            ByteBuffer original = field.equals("topkIds") ? valid.getTopkIds() : valid.getTopkValues();
            for (int bit = 0; bit < original.remaining() * 8; bit++) {
                byte[] flipped = Arrays.copyOf(original.array(), original.remaining());
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                TeacherLogits.Builder corrupt = compact();
                TeacherLogits record = (field.equals("topkIds") ? corrupt.setTopkIds(ByteBuffer.wrap(flipped))
                        : corrupt.setTopkValues(ByteBuffer.wrap(flipped))).build();
                try {
                    SequenceLogits.decode(record);
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).contains("prompt p").contains(field);
                }
            }
        }
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setIdBits(0).build())).hasMessageContaining("idBits is 0");
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setIdBits(4).build())).hasMessageContaining("topkIds");
        byte[] riceParameter15 = new byte[20]; // enough bytes for the record's 40 x 4 entries, so that the parameter is what fails
        riceParameter15[0] = (byte) 0xff;
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkValues(ByteBuffer.wrap(riceParameter15)).build()))
                .hasMessageContaining("topkValues: Rice parameter 15 is above 8");
        assertThatThrownBy(() -> SequenceLogits.decode(compact().setTopkValues(bytes(0xff, 0, 0)).build()))
                .hasMessageContaining("topkValues: 3 bytes cannot hold 40 positions of 4 entries");
    }

    @Test
    void shouldNameTopkValuesWhenFloatValuesAreNotDescending() {
        TeacherLogits record = packed().setIdEncoding(IdEncoding.UINT16_LE).setIdBits(0)
                .setTopkIds(TopKCodec.encodeIds(new int[8], IdEncoding.UINT16_LE))
                .setValueEncoding(ValueEncoding.FLOAT32_LE)
                .setTopkValues(TopKCodec.encodeFloats(new float[]{3, 2, 1, 0, 1, 2, 0, -1}, ValueEncoding.FLOAT32_LE))
                .setLogSumExp(TopKCodec.encodeFloats(new float[]{4, 3}, ValueEncoding.FLOAT32_LE)).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("topkValues: position 1 is not in descending order");
    }

    @Test
    void shouldNameLogSumExpWhenRawFloatLogitsComeWithoutIt() {
        TeacherLogits record = packed().setIdEncoding(IdEncoding.UINT16_LE).setIdBits(0)
                .setTopkIds(TopKCodec.encodeIds(new int[8], IdEncoding.UINT16_LE))
                .setValueEncoding(ValueEncoding.FLOAT32_LE).setValueKind(ValueKind.RAW_LOGITS)
                .setTopkValues(TopKCodec.encodeFloats(new float[8], ValueEncoding.FLOAT32_LE)).setLogSumExp(null).build();
        assertThatThrownBy(() -> SequenceLogits.decode(record)).hasMessageContaining("logSumExp is missing");
    }

    @Test
    void shouldNameTokenIdsAndLossMaskWhenTheyDoNotMatchThePositions() {
        assertThatThrownBy(() -> SequenceLogits.decode(packed().setTokenIds(List.of(1, 2)).build())).hasMessageContaining("tokenIds: 2 tokens for 2 positions");
        assertThatThrownBy(() -> SequenceLogits.decode(packed().setLossMask(bytes(1)).build())).hasMessageContaining("lossMask: 1 bytes for 2 positions");
    }

    @Test
    void shouldRefuseToEncodeValuesOutOfOrderIdsOutsideTheVocabularyOrAnImpossibleLogSumExp() {
        for (TopKEncoding encoding : TopKEncoding.values()) {
            TopKSequence unordered = new TopKSequence(2, 100, new int[]{1, 2}, new float[]{1, 2}, new float[]{3});
            assertThatThrownBy(() -> encoding.encode(unordered, 0, 1)).hasMessageContaining("topkValues: position 0 is not in descending order");
            TopKSequence withNaN = new TopKSequence(2, 100, new int[]{1, 2}, new float[]{Float.NaN, 0}, new float[]{3});
            assertThatThrownBy(() -> encoding.encode(withNaN, 0, 1)).hasMessageContaining("topkValues").hasMessageContaining("NaN");
        }
        TopKSequence outsideVocabulary = new TopKSequence(2, 100, new int[]{1, 100}, new float[]{2, 1}, new float[]{3});
        assertThatThrownBy(() -> TopKEncoding.PACKED.encode(outsideVocabulary, 0, 1)).hasMessageContaining("topkIds: token id 100");
        TopKSequence lowLogSumExp = new TopKSequence(2, 100, new int[]{1, 2}, new float[]{2, 1}, new float[]{1});
        assertThatThrownBy(() -> TopKEncoding.PACKED.encode(lowLogSumExp, 0, 1)).hasMessageContaining("logSumExp at position 0 is 1.0, below");
    }

    @Test
    void shouldListTheEncodingsWhenASettingNamesAnUnknownOne() {
        assertThatThrownBy(() -> TopKEncoding.named("zstd")).hasMessageContaining("unknown top-K encoding 'zstd'; expected one of [packed, compact, float32]");
    }
}
