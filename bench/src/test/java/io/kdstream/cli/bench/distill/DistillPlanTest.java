package io.kdstream.cli.bench.distill;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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

    @Test
    void shouldBuildTheSeedLikeTableWithEverySweepOfTheIssue() {
        DistillPlan plan = DistillPlan.seedLike(2000, List.of(1L, 2L, 3L, 4L, 5L), 100, 20, 0.1, StudentStart.PRETRAINED,
                EnumSet.allOf(DistillPlan.Sweep.class));
        List<RunConfig> kd = plan.configs().stream().filter(c -> c.objective() == RunConfig.Objective.KD_SFT).toList();
        assertThat(plan.configs().stream().map(RunConfig::slug).distinct()).hasSize(plan.configs().size());
        assertThat(kd).extracting(RunConfig::k).contains(1, 4, 16, 64);
        assertThat(kd).extracting(RunConfig::sftWeight).containsOnly(0.4, 1.0);
        assertThat(kd).extracting(RunConfig::variant).contains("renormalised", "tail");
        assertThat(kd).extracting(RunConfig::direction).contains("forward", "reverse");
        assertThat(plan.configs()).filteredOn(c -> c.objective() == RunConfig.Objective.ONLINE_FULL_KD).singleElement()
                .extracting(RunConfig::k).isEqualTo(100);
        assertThat(plan.configs()).filteredOn(c -> c.objective() == RunConfig.Objective.RS_KD_SFT)
                .extracting(RunConfig::label, RunConfig::variant).containsOnly(org.assertj.core.groups.Tuple.tuple("RS-KD+SFT (wrong 0.1 pretrained)", "sampled"));
        assertThat(plan.rsKdDraws()).containsExactly(12, 64);
        assertThat(plan.configs()).extracting(RunConfig::wrongShare).containsOnly(0.0, 0.1, 0.3);
        assertThat(plan.configs()).extracting(RunConfig::start).containsOnly(StudentStart.PRETRAINED, StudentStart.SCRATCH);
        // every condition has its SFT and KD+SFT curves, the default one first
        assertThat(plan.curvePairs()).extracting(p -> p.sft().condition())
                .containsExactly("wrong 0.1 pretrained", "wrong 0 pretrained", "wrong 0.3 pretrained", "wrong 0.1 scratch");
        assertThat(plan.curvePairs()).allSatisfy(p -> assertThat(p.kd().sameCondition(p.sft())).isTrue());
        assertThat(plan.sftCurve().checkpointEvery(plan.curvePoints())).isEqualTo(100); // every 0.05 S
        assertThat(plan.sftCurve().slug()).isEqualTo("sft-2000-wrong-0p1-pretrained");
        assertThat(plan.kdCurve().label()).isEqualTo("KD+SFT (wrong 0.1 pretrained)");
    }

    @Test
    void shouldRunTheHeadlinesRowsForEverySeedAndTheSweepsForTheSweepSeedsOnly() {
        List<Long> seeds = List.of(1L, 2L, 3L, 4L, 5L);
        DistillPlan plan = DistillPlan.seedLike(2000, seeds, 100, 20, 0.1, StudentStart.PRETRAINED, EnumSet.allOf(DistillPlan.Sweep.class), 2);
        int sweeps = plan.configs().size() - 4;

        assertThat(plan.runs()).hasSize(5 * 4 + 2 * sweeps);
        assertThat(plan.runs()).filteredOn(run -> run.seed() > 2).extracting(run -> run.config().sweep()).containsOnly(false);
        assertThat(plan.runs()).filteredOn(run -> run.seed() <= 2).hasSize(2 * plan.configs().size());
        // cohorts of another wrong share hold sweep rows only: they exist for the sweep seeds
        assertThat(plan.byCohort(DistillSetting.SEED_LIKE).keySet()).extracting(DistillCohort::wrongShare).containsOnly(0.0, 0.1, 0.3).hasSize(5 + 2 * 2);
        assertThat(plan.byCohort(DistillSetting.SEED_LIKE).values().stream().mapToInt(cohort -> cohort.runs().size()).sum()).isEqualTo(plan.runs().size());
    }

    @Test
    void shouldRunOnlyTheChosenSweeps() {
        DistillPlan core = DistillPlan.seedLike(300, List.of(1L), 100, 10, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        assertThat(core.configs()).extracting(RunConfig::objective, RunConfig::steps).containsExactly(tuple(RunConfig.Objective.SFT, 300L),
                tuple(RunConfig.Objective.KD_SFT, 300L), tuple(RunConfig.Objective.KD_SFT, 210L), tuple(RunConfig.Objective.SFT, 210L));
        DistillPlan online = DistillPlan.seedLike(300, List.of(1L), 100, 10, 0.1, StudentStart.PRETRAINED, EnumSet.of(DistillPlan.Sweep.ONLINE));
        assertThat(online.configs()).hasSize(5).last().extracting(RunConfig::objective).isEqualTo(RunConfig.Objective.ONLINE_FULL_KD);
        DistillPlan students = DistillPlan.seedLike(300, List.of(1L), 100, 10, 0.1, StudentStart.PRETRAINED, EnumSet.of(DistillPlan.Sweep.STUDENT));
        assertThat(students.curvePairs()).hasSize(2);
        // the other start gets the headline's four rows, so both of the seed's measures hold or fail for it too
        assertThat(students.configs().subList(4, 8)).extracting(RunConfig::objective, RunConfig::steps, RunConfig::start, RunConfig::sweep).containsExactly(
                tuple(RunConfig.Objective.SFT, 300L, StudentStart.SCRATCH, true), tuple(RunConfig.Objective.KD_SFT, 300L, StudentStart.SCRATCH, true),
                tuple(RunConfig.Objective.KD_SFT, 210L, StudentStart.SCRATCH, true), tuple(RunConfig.Objective.SFT, 210L, StudentStart.SCRATCH, true));
        assertThat(DistillPlan.Sweep.parse("sft-weight")).isEqualTo(DistillPlan.Sweep.SFT_WEIGHT);
        assertThat(DistillPlan.Sweep.parse("rs-kd")).isEqualTo(DistillPlan.Sweep.RS_KD);
        assertThat(core.rsKdDraws()).isEmpty();
    }

    @Test
    void shouldKeepTheControlsNamesAndGroupItsRunsInOneCohort() {
        DistillPlan plan = DistillPlan.full(1000, List.of(1L, 2L, 3L), 100, 10);
        assertThat(plan.sftCurve().slug()).isEqualTo("sft-1000");
        assertThat(plan.byCohort(DistillSetting.CONTROL).values()).singleElement().satisfies(cohort -> assertThat(cohort.runs()).hasSize(33));
        assertThat(plan.on(0, StudentStart.PRETRAINED).sftCurve().label()).isEqualTo("SFT (wrong 0 pretrained)");
    }

    @Test
    void shouldGiveEachSeedAndWrongShareOfTheSeedLikeSettingACohortOfItsOwn() {
        DistillPlan plan = DistillPlan.seedLike(2000, List.of(1L, 2L), 100, 20, 0.1, StudentStart.PRETRAINED, EnumSet.of(DistillPlan.Sweep.WRONG_SHARE));
        Map<DistillCohort, DistillPlan> cohorts = plan.byCohort(DistillSetting.SEED_LIKE);
        assertThat(cohorts).hasSize(2 * 3);
        assertThat(cohorts.keySet().stream().map(DistillCohort::dataSeed).distinct()).hasSize(2);
        assertThat(cohorts.keySet().stream().map(DistillCohort::wrongShare).distinct()).containsExactlyInAnyOrder(0.0, 0.1, 0.3);
        assertThat(cohorts.values().stream().mapToInt(p -> p.runs().size()).sum()).isEqualTo(plan.runs().size());
        cohorts.forEach((cohort, part) -> assertThat(part.runs()).allSatisfy(run -> {
            assertThat(DistillSetting.SEED_LIKE.cohortOf(run)).isEqualTo(cohort);
            assertThat(run.config().wrongShare()).isEqualTo(cohort.wrongShare());
        }));
    }
}
