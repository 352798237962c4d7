package io.kdstream.schemas.logits;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TopOffsetValuesTest {

    /**
     * Rounding's worst case: half the mass rounded down by nearly half a step, half rounded up by as much, which is
     * where Hoeffding's bound (1/16)²/8 is tight.
     */
    @Test
    void shouldStayUnderTheBoundWhereRoundingErrorsAreLargestAndOpposed() {
        int k = 100;
        float[] values = new float[k];
        for (int r = 1; r < k; r++) {
            values[r] = r < k / 2 ? -(float) (TopOffsetValues.STEP / 2 - 1e-4) : -(float) (1.5 * TopOffsetValues.STEP + 1e-4);
        }
        float[] wholeVocabulary = {(float) Math.log(IntStream.range(0, k).mapToDouble(r -> Math.exp(values[r])).sum())};
        float[] decoded = new float[k];
        TopOffsetValues.decode(TopOffsetValues.encode(k, values, wholeVocabulary, 0, 1), k, 1, decoded, 0);
        double kl = TopKDivergence.renormalised(values, decoded, 0, k);
        assertThat(kl).isGreaterThan(3e-4).isLessThanOrEqualTo(Math.pow(TopOffsetValues.STEP, 2) / 8);
    }

    @Test
    void shouldCodeNoTailAsTheLowestCellAndAlmostAllTailAsTheHighest() {
        assertThat(TopOffsetValues.massCode(0)).isZero();
        assertThat(TopOffsetValues.massCode(1e-7)).isZero();
        assertThat(TopOffsetValues.massCode(-1e-12)).isZero();
        assertThat(TopOffsetValues.massCode(Math.log(0.5))).isIn(127, 128);
        assertThat(TopOffsetValues.massCode(-40)).isEqualTo(255);
    }
}
