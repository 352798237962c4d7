package io.kdstream.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's exit codes, which scripts rely on. */
class KdstreamTest {

    @Test
    void unknownCommandsAndOptionsExitNonZero() {
        assertThat(Kdstream.run("nonsense")).isEqualTo(2);
        assertThat(Kdstream.run("cache", "stats", "--no-such-option")).isEqualTo(2);
        assertThat(Kdstream.run()).as("no command").isEqualTo(2);
        assertThat(Kdstream.run("train-teacher", "--cool-down", "-1")).as("a negative cool-down, refused before any training").isEqualTo(2);
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(Kdstream.run("--help")).isZero();
        assertThat(Kdstream.run("cache", "--verbose", "--help")).isZero();
        assertThat(Kdstream.run("--version")).isZero();
    }
}
