package io.kdstream.evaluator.scoring;

import io.kdstream.schemas.logits.SequenceLogits;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TeacherComparisonTest {

    private static final int VOCABULARY = 4;

    /** Three tokens, two positions; only position 1 is a response position. Teacher top-2 per position. */
    private static SequenceLogits teacher(int[] ids, float[] values) {
        return new SequenceLogits("p", "t", "tok", new int[] {1, 2, 3}, new float[] {0, 1}, 2, ids, values, null);
    }

    @Test
    void shouldAgreeAndHaveNoDivergenceWhenTheStudentMatchesTheTeacherUpToAConstant() {
        SequenceLogits teacher = teacher(new int[] {0, 1, 3, 2}, new float[] {5, 4, 2.0f, 1.0f});
        float[] student = {
                9, 9, 9, 9, // position 0 is not compared
                0, 0, 1.5f, 2.5f}; // position 1: ids 3 and 2 are 1 apart, as the teacher's values

        TeacherComparison comparison = new TeacherComparison();
        comparison.add(teacher, student, 0, VOCABULARY);

        assertThat(comparison.examples()).isEqualTo(1);
        assertThat(comparison.agreement()).isEqualTo(1.0);
        assertThat(comparison.kl()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void shouldMeasureTheForwardKlOverTheTeachersTopKAndCountDisagreement() {
        SequenceLogits teacher = teacher(new int[] {0, 1, 3, 2}, new float[] {5, 4, (float) Math.log(3), 0});
        float[] student = {0, 0, 0, 0, 0, 0, 0, 0}; // uniform: top-1 is id 0, the teacher's is 3

        TeacherComparison comparison = new TeacherComparison();
        comparison.add(teacher, student, 0, VOCABULARY);

        // p = (3/4, 1/4) over ids (3, 2), q = (1/2, 1/2): KL = 3/4 ln(3/2) + 1/4 ln(1/2)
        assertThat(comparison.kl()).isCloseTo(0.75 * Math.log(1.5) + 0.25 * Math.log(0.5), within(1e-6));
        assertThat(comparison.agreement()).isZero();
    }

    @Test
    void shouldReportNothingWhenNothingWasCompared() {
        assertThat(new TeacherComparison().agreement()).isNull();
        assertThat(new TeacherComparison().kl()).isNull();
    }
}
