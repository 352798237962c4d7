package io.kdstream.cli.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing kdstream runs reaches beyond loopback on its own: a JVM started without any opt-out in its environment
 * starts DJL's engine, trains, runs a teacher forward pass and a KD step under {@link LoopbackOnlyGuard}, and the
 * guard refuses nothing. The second case shows the guard catches DJL's phone-home where a user turns it back on
 * (the guard refuses in the JVM, so no packet leaves even then).
 */
class NoOutboundTrafficTest {

    @Test
    void djlStartsTrainsAndRunsATeacherWithoutLeavingLoopback(@TempDir Path dir) throws Exception {
        Probe probe = runProbe(dir, List.of());

        assertThat(probe.output()).as("connections refused by the guard").doesNotContain("REFUSED");
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("KD+SFT step:");
    }

    @Test
    void theGuardCatchesDjlCallingHomeWhenAUserTurnsTheDefaultsOff(@TempDir Path dir) throws Exception {
        Probe probe = runProbe(dir, List.of("-Dai.djl.offline=false", "-DOPT_OUT_TRACKING=false"));

        assertThat(probe.output()).as(probe.output()).contains("REFUSED 169.254.169.254");
        assertThat(probe.exitCode()).isNotZero();
    }

    private record Probe(int exitCode, String output) {
    }

    private static Probe runProbe(Path dir, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.manager=" + LoopbackOnlyGuard.class.getName(),
                "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName(), dir.toString()));
        Path log = dir.resolve("probe.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // the build sets these for every test JVM; the probe must show that kdstream's own defaults suffice
        builder.environment().remove("DJL_OFFLINE");
        builder.environment().remove("OPT_OUT_TRACKING");
        builder.environment().put("KDSTREAM_HOME", dir.toString());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish in 5 minutes:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Probe(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
