package io.kdstream.cli.bench;

import io.kdstream.cli.Kdstream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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

    @Test
    void aBadSettingBaseCorpusOrTeacherGateIsAUsageErrorNamingWhatIsWrong() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Kdstream.run("bench", "distill", "--setting", "seedlike")).isEqualTo(2);
            assertThat(Kdstream.run("bench", "distill", "--base-corpus", "books")).isEqualTo(2);
            assertThat(Kdstream.run("bench", "distill", "--teacher-gate", "1.5")).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value for option '--setting'", "seed-like", "but was 'seedlike'")
                .contains("Invalid value for option '--base-corpus'", "text+others", "but was 'books'")
                .contains("a gate in [0, 1]")
                .doesNotContain("Exception");
    }
}
