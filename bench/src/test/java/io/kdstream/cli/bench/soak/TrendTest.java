package io.kdstream.cli.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TrendTest {

    private static final Freshness.Percentiles NONE = new Freshness.Percentiles(0, Double.NaN, Double.NaN);

    /** Intervals a minute apart whose live heap (MB) is {@code values}. */
    private static List<SoakInterval> minutes(double... values) {
        return IntStream.range(0, values.length).mapToObj(i -> new SoakInterval(60.0 * (i + 1), 1, 1, 1, 0, 0, 0, 0, 0,
                new Freshness.Window(NONE, NONE, NONE), 1, new ProcessMemory(0, (long) (values[i] * 1048576), 0, 0, 0, 0))).toList();
    }

    private static Trend liveHeap(List<SoakInterval> intervals) {
        return Trend.of(intervals, interval -> interval.memory().liveHeapBytes() / 1048576.0);
    }

    @Test
    void shouldGiveAStraightLinesSlopeWithNoError() {
        Trend trend = liveHeap(minutes(10, 12, 14, 16));
        assertThat(trend.perMinute()).isCloseTo(2, within(1e-9));
        assertThat(trend.standardError()).isCloseTo(0, within(1e-9));
        assertThat(trend.times(0.5).format(1)).isEqualTo("+1.0 ± 0.0");
    }

    @Test
    void shouldTellASawtoothFromGrowth() {
        Trend sawtooth = liveHeap(minutes(10, 14, 10, 14, 10, 14, 10, 14));
        assertThat(Math.abs(sawtooth.perMinute())).isLessThan(2 * sawtooth.standardError());
        assertThat(liveHeap(minutes(10, 11)).perMinute()).as("two points give no error").isNaN();
    }
}
