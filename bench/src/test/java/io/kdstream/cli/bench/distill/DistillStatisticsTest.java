package io.kdstream.cli.bench.distill;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DistillStatisticsTest {

    private static EvalPoint point(long step, double math, double code) {
        return new EvalPoint(step, math, code, 1.0, 1.0, 0.1, 0.1);
    }

    @Test
    void shouldGiveMeanAndSampleStandardDeviation() {
        assertThat(DistillStatistics.mean(List.of(1.0, 2.0, 3.0))).isEqualTo(2.0);
        assertThat(DistillStatistics.sd(List.of(1.0, 2.0, 3.0))).isCloseTo(1.0, within(1e-12));
        assertThat(DistillStatistics.sd(List.of(5.0))).isNaN();
        assertThat(DistillStatistics.meanSd(List.of(0.5, 0.7), "%.2f")).isEqualTo("0.60 ± 0.14");
        assertThat(DistillStatistics.meanSd(List.of(0.5), "%.2f")).isEqualTo("0.50");
        assertThat(DistillStatistics.meanSd(List.of(Double.NaN), "%.2f")).isEqualTo("n/a");
    }

    @Test
    void shouldFindTheFirstCheckpointThatReachesTheTargetAsAFractionOfTheReferenceSteps() {
        List<EvalPoint> curve = List.of(point(100, 0.1, 0.1), point(200, 0.4, 0.2), point(300, 0.5, 0.3), point(400, 0.2, 0.2));
        // accuracy is the mean of math and code: 0.1, 0.3, 0.4, 0.2
        assertThat(DistillStatistics.firstReach(curve, 0.3, 1000)).hasValueCloseTo(0.2, within(1e-12));
        assertThat(DistillStatistics.firstReach(curve, 0.35, 1000)).hasValueCloseTo(0.3, within(1e-12));
        assertThat(DistillStatistics.firstReach(curve, 0.05, 400)).hasValueCloseTo(0.25, within(1e-12));
        assertThat(DistillStatistics.firstReach(curve, 0.41, 1000)).isEqualTo(OptionalDouble.empty());
    }
}
