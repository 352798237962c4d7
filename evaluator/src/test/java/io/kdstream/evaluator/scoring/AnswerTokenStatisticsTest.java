package io.kdstream.evaluator.scoring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AnswerTokenStatisticsTest {

    /** Logits of the distribution (0.2, 0.3, 0.5) shifted by 7, after two unrelated values the offset skips. */
    private static final float[] ROW = {100f, -100f, (float) Math.log(0.2) + 7, (float) Math.log(0.3) + 7, (float) Math.log(0.5) + 7};

    @Test
    void shouldMeasureOnePositionAgainstTheDistributionsClosedForm() {
        AnswerTokenStatistics statistics = new AnswerTokenStatistics();

        statistics.add(ROW, 2, 3, 1);

        assertThat(statistics.crossEntropy()).isCloseTo(-Math.log(0.3), within(1e-6));
        assertThat(statistics.entropy()).isCloseTo(-(0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.5 * Math.log(0.5)), within(1e-6));
        assertThat(statistics.margin()).isCloseTo(0.5 - 0.3, within(1e-6));
    }

    @Test
    void shouldAverageOverPositions() {
        AnswerTokenStatistics statistics = new AnswerTokenStatistics();
        float[] uniform = {3f, 3f, 3f, 3f};

        statistics.add(ROW, 2, 3, 2);
        statistics.add(uniform, 0, 4, 0);

        assertThat(statistics.crossEntropy()).isCloseTo((-Math.log(0.5) + Math.log(4)) / 2, within(1e-6));
        assertThat(statistics.entropy()).isCloseTo((-(0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.5 * Math.log(0.5)) + Math.log(4)) / 2, within(1e-6));
        assertThat(statistics.margin()).isCloseTo((0.2 + 0) / 2, within(1e-6));
    }

    @Test
    void shouldFindTheRunnerUpWhereverItLies() {
        AnswerTokenStatistics first = new AnswerTokenStatistics();
        AnswerTokenStatistics last = new AnswerTokenStatistics();

        first.add(new float[] {5f, 4f, 0f, 0f}, 0, 4, 0);
        last.add(new float[] {0f, 0f, 4f, 5f}, 0, 4, 3);

        double total = Math.exp(5) + Math.exp(4) + 2;
        assertThat(first.margin()).isCloseTo((Math.exp(5) - Math.exp(4)) / total, within(1e-6));
        assertThat(last.margin()).isCloseTo(first.margin(), within(1e-9));
    }

    @Test
    void shouldBeUndefinedBeforeAnyPosition() {
        AnswerTokenStatistics statistics = new AnswerTokenStatistics();

        assertThat(statistics.crossEntropy()).isNaN();
        assertThat(statistics.entropy()).isNaN();
        assertThat(statistics.margin()).isNaN();
        assertThat(statistics.calibrationError()).isNaN();
    }
}
