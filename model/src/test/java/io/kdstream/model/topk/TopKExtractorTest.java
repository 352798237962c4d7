package io.kdstream.model.topk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.testing.TinyModels;
import io.kdstream.model.transformer.DecoderLanguageModel;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopKExtractorTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager(DecoderLanguageModel.ENGINE);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void shouldMatchPlainJavaSortOnRandomLogits() {
        Random random = new Random(1);
        int positions = 9;
        int vocabulary = 50;
        float[] logits = new float[positions * vocabulary];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 3);
        }
        try (NDManager scope = manager.newSubManager()) {
            TopKLogits top = TopKExtractor.extract(scope.create(logits, new Shape(positions, vocabulary)), 6);
            assertMatchesReference(top, logits, vocabulary, 6);
        }
    }

    @Test
    void shouldOrderTiesByLowerIdAlsoAtTheKBoundary() {
        Random random = new Random(2);
        int positions = 12;
        int vocabulary = 20;
        float[] logits = new float[positions * vocabulary];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = random.nextInt(3); // many exact ties
        }
        Arrays.fill(logits, 0, vocabulary, 0.5f); // a position where everything ties
        try (NDManager scope = manager.newSubManager()) {
            for (int k : new int[] {1, 4, 7, 20}) {
                TopKLogits top = TopKExtractor.extract(scope.create(logits, new Shape(positions, vocabulary)), k);
                assertMatchesReference(top, logits, vocabulary, k);
            }
        }
    }

    @Test
    void shouldExtractRealRowsOfAPaddedBatch() {
        Random random = new Random(3);
        int batch = 3;
        int time = 5;
        int vocabulary = 16;
        float[] logits = new float[batch * time * vocabulary];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        try (NDManager scope = manager.newSubManager()) {
            List<TopKLogits> rows = TopKExtractor.extract(
                    scope.create(logits, new Shape(batch, time, vocabulary)), 4, new int[] {5, 2, 0});
            assertThat(rows).extracting(TopKLogits::positions).containsExactly(5, 2, 0);
            for (int b = 0; b < batch; b++) {
                float[] row = Arrays.copyOfRange(logits, b * time * vocabulary,
                        (b * time + rows.get(b).positions()) * vocabulary);
                assertMatchesReference(rows.get(b), row, vocabulary, 4);
            }
        }
    }

    @Test
    void shouldMatchReferenceOnModelLogitsAndKeepScopesClean() {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(TinyModels.tiny(), 11);
             NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.logits(scope, scope.create(new int[] {1, 40, 50, 60, 3, 70}, new Shape(1, 6)), false);
            int before = scope.getManagedArrays().size();
            List<TopKLogits> top = TopKExtractor.extract(logits, 8, new int[] {6});
            assertThat(scope.getManagedArrays()).hasSize(before);
            assertMatchesReference(top.get(0), logits.toFloatArray(), 100, 8);
            assertThat(top.get(0).logProbability(0, 0)).isNegative();
        }
    }

    @Test
    void shouldRejectBadArguments() {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits = scope.zeros(new Shape(2, 5));
            assertThatThrownBy(() -> TopKExtractor.extract(logits, 6)).hasMessageContaining("k must be in [1, 5]");
            assertThatThrownBy(() -> TopKExtractor.extract(logits, 0)).hasMessageContaining("k must be");
            assertThatThrownBy(() -> TopKExtractor.extract(logits.expandDims(0), 2, new int[] {3}))
                    .hasMessageContaining("length 3 of row 0");
            NDArray nan = scope.create(new float[] {0f, Float.NaN, 1f}, new Shape(1, 3));
            assertThatThrownBy(() -> TopKExtractor.extract(nan, 2)).hasMessageContaining("not finite");
        }
    }

    @Test
    void shouldTakeFirstPositionsWithHead() {
        TopKLogits top = new TopKLogits(3, 2, new int[] {1, 2, 3, 4, 5, 6}, new float[] {6, 5, 4, 3, 2, 1},
                new float[] {7, 8, 9});
        TopKLogits head = top.head(2);
        assertThat(head.positions()).isEqualTo(2);
        assertThat(head.ids()).containsExactly(1, 2, 3, 4);
        assertThat(head.logSumExp()).containsExactly(7, 8);
    }

    /** Plain Java: stable sort by descending value (ties: ascending id), log-sum-exp in double. */
    private static void assertMatchesReference(TopKLogits top, float[] logits, int vocabulary, int k) {
        int positions = logits.length / vocabulary;
        assertThat(top.positions()).isEqualTo(positions);
        assertThat(top.k()).isEqualTo(k);
        for (int p = 0; p < positions; p++) {
            float[] row = Arrays.copyOfRange(logits, p * vocabulary, (p + 1) * vocabulary);
            Integer[] order = new Integer[vocabulary];
            for (int i = 0; i < vocabulary; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -row[i]));
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : row) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            for (int r = 0; r < k; r++) {
                assertThat(top.id(p, r)).as("id at position %d rank %d", p, r).isEqualTo(order[r]);
                assertThat(top.value(p, r)).as("value at position %d rank %d", p, r).isEqualTo(row[order[r]]);
            }
            assertThat((double) top.logSumExp()[p]).isCloseTo(lse, within(1e-5 * Math.max(1, Math.abs(lse))));
        }
    }
}
