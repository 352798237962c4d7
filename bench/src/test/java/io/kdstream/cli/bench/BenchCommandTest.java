package io.kdstream.cli.bench;

import io.kdstream.cli.Kdstream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream bench} joins the CLI from this module (ServiceLoader) and keeps the exit codes scripts rely on. */
class BenchCommandTest {

    @Test
    void benchIsAKdstreamSubcommand() {
        assertThat(Kdstream.run("bench", "--help")).isZero();
        assertThat(Kdstream.run("bench", "codec", "--help")).isZero();
        assertThat(Kdstream.run("bench", "distill", "--help")).isZero();
    }

    @Test
    void unknownBenchmarksExitNonZero() {
        assertThat(Kdstream.run("bench", "nonsense")).isEqualTo(2);
    }
}
