package io.kdstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.testing.TinyModels;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecoderLanguageModelTest {

    private static DecoderLanguageModel model;

    @BeforeAll
    static void createModel() {
        model = DecoderLanguageModel.create(TinyModels.tiny(), 7);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @Test
    void shouldProduceLogitsOfShapeBatchTimeVocabulary() {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(new int[] {1, 5, 6, 7, 3, 8, 1, 9, 9, 9, 9, 2}, new Shape(2, 6));
            NDArray logits = model.logits(scope, tokens, false);
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 6, 100));
            assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT32);
            for (float v : logits.toFloatArray()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void shouldInitialiseDeterministicallyFromSeed() {
        int[] ids = {1, 20, 30, 40, 3, 50};
        float[] first = logits(model, ids);
        try (DecoderLanguageModel same = DecoderLanguageModel.create(TinyModels.tiny(), 7);
             DecoderLanguageModel other = DecoderLanguageModel.create(TinyModels.tiny(), 8)) {
            assertThat(logits(same, ids)).containsExactly(first);
            assertThat(logits(other, ids)).isNotEqualTo(first);
        }
    }

    @Test
    void shouldNotLetLaterTokensInfluenceEarlierPositions() {
        int[] a = {1, 20, 30, 40, 3, 50, 60};
        int[] b = a.clone();
        b[5] = 70;
        b[6] = 80;
        float[] la = logits(model, a);
        float[] lb = logits(model, b);
        int earlier = 5 * 100;
        assertThat(Arrays.copyOf(lb, earlier)).containsExactly(Arrays.copyOf(la, earlier), within(1e-6f));
        assertThat(Arrays.copyOfRange(lb, earlier, lb.length)).isNotEqualTo(Arrays.copyOfRange(la, earlier, la.length));
    }

    @Test
    void shouldGiveSameLogitsForRightPaddedRows() {
        int[] shortRow = {1, 20, 30, 3};
        int[] longRow = {1, 40, 41, 42, 43, 3, 44};
        int width = longRow.length;
        int[] padded = new int[2 * width];
        System.arraycopy(shortRow, 0, padded, 0, shortRow.length);
        System.arraycopy(longRow, 0, padded, width, width);
        float[] batched;
        try (NDManager scope = model.manager().newSubManager()) {
            batched = model.logits(scope, scope.create(padded, new Shape(2, width)), false).toFloatArray();
        }
        float[] alone = logits(model, shortRow);
        assertThat(Arrays.copyOf(batched, shortRow.length * 100)).containsExactly(alone, within(1e-5f));
        assertThat(Arrays.copyOfRange(batched, width * 100, 2 * width * 100))
                .containsExactly(logits(model, longRow), within(1e-5f));
    }

    @Test
    void shouldRefuseSequencesLongerThanContext() {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.zeros(new Shape(1, 25), DataType.INT32);
            assertThatThrownBy(() -> model.logits(scope, tokens, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sequence length 25")
                    .hasMessageContaining("context length is 24");
        }
    }

    @Test
    void shouldRefuseInputsOfWrongRankOrType() {
        try (NDManager scope = model.manager().newSubManager()) {
            assertThatThrownBy(() -> model.logits(scope, scope.zeros(new Shape(4), DataType.INT32), false))
                    .hasMessageContaining("(batch, time)");
            assertThatThrownBy(() -> model.logits(scope, scope.zeros(new Shape(1, 4), DataType.FLOAT32), false))
                    .hasMessageContaining("int32 or int64");
        }
    }

    @Test
    void shouldKeepIntermediateArraysInTheCallersScope() {
        int before = model.manager().getManagedArrays().size();
        for (int i = 0; i < 3; i++) {
            logits(model, new int[] {1, 2, 3, 4, 5});
        }
        try (NDManager scope = model.manager().newSubManager()) {
            // tokens owned by another manager are copied into the scope
            try (NDManager other = model.manager().newSubManager()) {
                model.logits(scope, other.create(new int[] {1, 2, 3}, new Shape(1, 3)), true);
            }
        }
        assertThat(model.manager().getManagedArrays()).hasSize(before);
    }

    @Test
    void shouldBuildPresetsOfTheAdvertisedSize() {
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(100), 1)) {
            assertThat(student.parameterCount()).isBetween(80_000L, 160_000L);
        }
    }

    static float[] logits(DecoderLanguageModel model, int[] ids) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.logits(scope, scope.create(ids, new Shape(1, ids.length)), false).toFloatArray();
        }
    }
}
