package io.kdstream.cli.bench.soak;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak's machinery for a fraction of a minute: every service runs throughout, prompts flow to the trainer, and
 * the figures are there and sane (counts add up, percentiles ordered, memory read). No time is asserted: the machine
 * decides those.
 *
 * <p>On a platform of its own, as {@code kdstream bench soak} runs: the router would route every prompt other tests
 * left on the shared platform's {@code kd.prompts}.
 */
class SoakRunIntegrationTest {

    @Test
    void shouldStreamPromptsToTheTrainerAndReportEachInterval(@TempDir Path dir) throws Exception {
        SoakOptions options = new SoakOptions(Duration.ofSeconds(24), Duration.ofSeconds(8), 10, 8, 50, dir);
        List<SoakInterval> reported = new ArrayList<>();
        SoakResult result;
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
            result = new SoakRun(settings, options, reported::add).run();
        }

        assertThat(result.intervals()).hasSize(3).isEqualTo(reported);
        assertThat(result.produced()).isPositive();
        assertThat(result.committed()).isPositive().isLessThanOrEqualTo(result.produced());
        assertThat(result.drawn()).isPositive().isLessThanOrEqualTo(result.committed());
        assertThat(result.duplicateCommits()).isZero();
        assertThat(result.steps()).isPositive();
        assertThat(result.checkpoints()).isPositive();
        for (Freshness.Percentiles latency : List.of(result.overall().toCommitted(), result.overall().committedToDrawn(), result.overall().toDrawn())) {
            assertThat(latency.count()).isPositive();
            assertThat(latency.p50()).isPositive().isLessThanOrEqualTo(latency.p99());
        }
        assertThat(result.overall().toDrawn().p50()).isGreaterThan(result.overall().toCommitted().p50());
        for (SoakInterval interval : result.intervals()) {
            assertThat(interval.promptsPerSecond()).isPositive();
            assertThat(interval.memory().rssBytes()).isGreaterThan(interval.memory().liveHeapBytes());
            assertThat(interval.memory().liveHeapBytes()).isPositive();
            assertThat(interval.memory().rocksDbBytes()).as("the router's RocksDB block cache, from JMX").isPositive();
            assertThat(interval.memory().heapUsedBytes()).isPositive();
            assertThat(interval.trainerLag()).isNotNegative();
        }
        SoakInterval last = result.intervals().get(2);
        assertThat(last.workerLag()).isNotNegative();
        assertThat(last.routerLag()).isNotNegative();
        assertThat(last.teacherBatchMillis()).isPositive();

        // prompts committed and drawn are no longer held
        assertThat((long) result.inFlight()).isGreaterThanOrEqualTo(result.produced() - result.drawn()).isLessThan(result.produced());

        SoakReport report = new SoakReport(result, options, HeapSetting.ofThisJvm());
        String markdown = report.markdown("./kdstream bench soak", "test machine");
        assertThat(markdown).contains("| 8 |", "| 16 |", "| 24 |").contains(result.produced() + " produced");
        assertThat(report.svg()).startsWith("<svg").contains("<polyline", "freshness (s)", "memory (MB)");
    }
}
