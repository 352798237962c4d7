package io.kdstream.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PositionSharesTest {

    @Test
    void shouldBeOneNumberWhenTheWeightsAreEqual() {
        PositionShares shares = PositionShares.of(new float[] {1, 1, 1, 1}, unused -> {
            throw new AssertionError("no tensor for equal weights");
        });

        assertThat(shares.each()).isNull();
        assertThat(shares.common()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void shouldBeZeroNotNanWhenEveryWeightIsZero() {
        assertThat(PositionShares.of(new float[] {0, 0}, unused -> null).common()).isZero();
    }

    @Test
    void shouldWeighEachPositionWhenTheWeightsDiffer() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            PositionShares shares = PositionShares.of(new float[] {1, 0, 3},
                    values -> manager.create(values, new Shape(values.length, 1)));

            assertThat(shares.each().toFloatArray()).containsExactly(0.25f, 0f, 0.75f);
            // a weight below 1 in all is not scaled up: the denominator is at least 1
            assertThat(PositionShares.of(new float[] {0.25f, 0.5f},
                    values -> manager.create(values, new Shape(values.length, 1))).each().toFloatArray())
                    .containsExactly(0.25f, 0.5f);
        }
    }
}
