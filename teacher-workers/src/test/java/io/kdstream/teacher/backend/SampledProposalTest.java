package io.kdstream.teacher.backend;

import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.schemas.logits.SampledSequence;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SampledProposalTest {

    private static final SampledTokens THREE_DISTINCT = new SampledTokens(new int[] {7, 2, 9}, new int[] {6, 4, 2}, new double[] {0.5, -0.25, 1}, 12);
    private static final SampledTokens ONE_DISTINCT = new SampledTokens(new int[] {4}, new int[] {12}, new double[] {-0.125}, 12);

    @Test
    void shouldGiveEveryPositionTheSlotsOfTheMostDistinctDrawsAndLeaveTheRestEmpty() {
        SampledSequence sequence = new SampledProposal(12, 2).sequence(List.of(THREE_DISTINCT, ONE_DISTINCT), 10);

        assertThat(sequence.k()).isEqualTo(3);
        assertThat(sequence.positions()).isEqualTo(2);
        assertThat(sequence.ids()).containsExactly(7, 2, 9, 4, 0, 0);
        assertThat(sequence.counts()).containsExactly(6, 4, 2, 12, 0, 0);
        assertThat(sequence.logRatios()).containsExactly(0.5f, -0.25f, 1f, -0.125f, 0f, 0f);
        assertThat(sequence.draws()).isEqualTo(12);
    }

    @Test
    void shouldKeepNoLogRatiosWhenTheProposalIsTheTeachersDistribution() {
        SampledSequence sequence = new SampledProposal(12, 1).sequence(List.of(ONE_DISTINCT), 10);

        assertThat(sequence.logRatios()).isNull();
        assertThat(sequence.k()).isEqualTo(1);
    }
}
