package io.kdstream.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The median's confidence interval: where it lies, how often it holds the true median, and the verdicts. */
class DistributionTest {

    @Test
    void shouldPutTheIntervalAtOrderStatisticsAroundTheMedian() {
        double[] samples = new double[101];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i * 37) % 101 + 1; // 1..101, shuffled
        }
        Distribution distribution = Distribution.of(samples);

        assertThat(distribution.median()).isEqualTo(51);
        assertThat(distribution.medianLow()).isEqualTo(41);
        assertThat(distribution.medianHigh()).isEqualTo(61);
    }

    @Test
    void shouldHoldTheTrueMedianAboutNinetyFivePercentOfTheTime() {
        Random random = new Random(3);
        double trueMedian = Math.log(2); // of the unit exponential distribution
        int runs = 4000;
        int held = 0;
        for (int run = 0; run < runs; run++) {
            double[] samples = new double[200];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = -Math.log(1 - random.nextDouble());
            }
            Distribution distribution = Distribution.of(samples);
            if (distribution.medianLow() <= trueMedian && trueMedian <= distribution.medianHigh()) {
                held++;
            }
        }
        assertThat(held / (double) runs).isBetween(0.93, 0.97);
    }

    @Test
    void shouldCallATargetOnlyWhenTheIntervalIsOnOneSide() {
        double[] around = new double[100];
        for (int i = 0; i < around.length; i++) {
            around[i] = 1.0 + (i - 50) * 0.001; // 0.950 .. 1.049, median about 1.0
        }
        assertThat(Distribution.of(around).verdictAtMost(1.05)).isEqualTo("met");
        assertThat(Distribution.of(around).verdictAtMost(0.95)).isEqualTo("missed");
        assertThat(Distribution.of(around).verdictAtMost(1.0)).startsWith("undecided");
        assertThat(Distribution.of(around).verdictAtLeast(0.95)).isEqualTo("met");
        assertThat(Distribution.of(around).verdictAtLeast(1.05)).isEqualTo("missed");
        assertThat(Distribution.of(around).verdictAtLeast(1.0)).startsWith("undecided");
    }
}
