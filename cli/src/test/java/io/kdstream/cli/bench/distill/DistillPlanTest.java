package io.kdstream.cli.bench.distill;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DistillPlanTest {

    @Test
    void shouldRunEveryConfigOfTheIssueForEverySeed() {
        DistillPlan plan = DistillPlan.full(1000, List.of(1L, 2L, 3L), 100, 10);
        assertThat(plan.configs()).hasSize(11);
        assertThat(plan.configs().stream().map(RunConfig::slug).distinct()).hasSize(11);
        assertThat(plan.runs()).hasSize(33);
        assertThat(plan.configs()).extracting(RunConfig::steps).contains(700L, 1000L);
        assertThat(plan.configs().stream().filter(c -> c.objective() == RunConfig.Objective.KD_SFT).map(RunConfig::k).distinct())
                .containsExactlyInAnyOrder(1, 4, 16, 64);
        assertThat(plan.configs().stream().filter(c -> c.objective() == RunConfig.Objective.KD_SFT).map(RunConfig::sftWeight).distinct())
                .containsExactlyInAnyOrder(0.0, 0.4, 1.0);
        assertThat(plan.configs()).extracting(RunConfig::variant).contains("tail");
        assertThat(plan.configs()).extracting(RunConfig::direction).contains("reverse");
        assertThat(plan.configs()).filteredOn(c -> c.objective() == RunConfig.Objective.ONLINE_FULL_KD).singleElement()
                .extracting(RunConfig::k).isEqualTo(100);
        assertThat(plan.sftCurve().checkpointEvery(10)).isEqualTo(100);
        assertThat(plan.kdCurve().steps()).isEqualTo(1000);
    }

    @Test
    void shouldCheckpointOnlyAtTheEndOfRunsWithoutACurve() {
        RunConfig config = RunConfig.kd(700, 64, "renormalised", "forward", 1, 0.4, false);
        assertThat(config.checkpointEvery(10)).isEqualTo(700);
        assertThat(config.checkpoints(10)).isEqualTo(1);
        assertThat(config.label()).isEqualTo("KD+SFT");
        assertThat(RunConfig.kd(700, 64, "renormalised", "forward", 1, 0, false).label()).isEqualTo("KD");
    }
}
