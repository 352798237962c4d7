package io.kdstream.schemas.logits;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogSumExpTest {

    @Test
    void shouldEqualTheDirectSumWhereItDoesNotOverflow() {
        double[] values = {0.5, -1.25, 2.0, 0.0};
        double direct = Math.log(Math.exp(0.5) + Math.exp(-1.25) + Math.exp(2.0) + Math.exp(0.0));
        assertThat(LogSumExp.of(values.length, i -> values[i])).isCloseTo(direct, within(1e-12));
    }

    @Test
    void shouldNotOverflowOnLargeValuesInAnyOrder() {
        double[] values = {1000.0, 1000.0 + Math.log(3)};
        assertThat(LogSumExp.of(values.length, i -> values[i])).isCloseTo(1000.0 + Math.log(4), within(1e-9));
        assertThat(LogSumExp.of(values.length, i -> values[values.length - 1 - i])).isCloseTo(1000.0 + Math.log(4), within(1e-9));
    }
}
