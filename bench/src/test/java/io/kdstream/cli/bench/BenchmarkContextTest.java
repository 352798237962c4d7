package io.kdstream.cli.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every benchmark section's machine line starts from the same subject. */
class BenchmarkContextTest {

    @Test
    void shouldNameTheCoresTheCpuAndTheJavaVersion() {
        assertThat(BenchmarkContext.machine())
                .startsWith(Runtime.getRuntime().availableProcessors() + " cores (")
                .endsWith("), Java " + System.getProperty("java.version"))
                .doesNotContain("unknown CPU");
    }
}
