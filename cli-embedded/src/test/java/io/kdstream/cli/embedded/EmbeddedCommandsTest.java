package io.kdstream.cli.embedded;

import io.kdstream.cli.Kdstream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kdstream demo} and {@code kdstream platform} join the CLI from this module (ServiceLoader) with their options. */
class EmbeddedCommandsTest {

    @Test
    void demoAndPlatformAreKdstreamSubcommands() {
        assertThat(Kdstream.run("demo", "--help")).isZero();
        assertThat(Kdstream.run("platform", "--help")).isZero();
    }

    @Test
    void unknownOptionsExitNonZero() {
        assertThat(Kdstream.run("demo", "--no-such-option")).isEqualTo(2);
        assertThat(Kdstream.run("platform", "--no-such-option")).isEqualTo(2);
    }
}
