package io.kdstream.cli.bench.distill;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DistillReportTest {

    private static final long S = 100;

    /** A curve whose accuracy (mean of math and code) is {@code values[i]} at step (i + 1) * 25. */
    private static List<EvalPoint> curve(double... values) {
        List<EvalPoint> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(new EvalPoint((i + 1) * 25L, values[i], values[i], 1.0 - values[i], 1.2 - values[i], 0.1, 0.2));
        }
        return points;
    }

    private static RunOutcome run(RunConfig config, long seed, double stepMillis, List<EvalPoint> curve) {
        return new RunOutcome(new DistillPlan.Run(config, seed), "r-" + config.slug() + "-" + seed,
                new StudentRunProcess.Result(config.steps(), stepMillis, 300L << 20, 10), 20, curve);
    }

    /** The control's one cohort; a seed-like plan's first seed has its own. */
    private static final DistillCohort COHORT = new DistillCohort(DistillBenchmark.DATA_SEED, DistillBenchmark.TEACHER_SEED, 0);

    private static DistillCohort seedLikeCohort(long seed) {
        return new DistillCohort(DistillSetting.SEED_LIKE.dataSeed(seed), DistillSetting.SEED_LIKE.teacherSeed(seed), 0.1);
    }

    private static DistillBenchmark.TeacherSummary teacher(DistillCohort cohort, TeacherGate.Verdict training, long parameters, double math, double code,
                                                           double wrongRepaired, DistillSetting.TrainSizes sizes, Map<Integer, Double> sampledBytes) {
        return teacher(cohort, training, parameters, math, code, wrongRepaired, sizes, sampledBytes, Map.of());
    }

    private static DistillBenchmark.TeacherSummary teacher(DistillCohort cohort, TeacherGate.Verdict training, long parameters, double math, double code,
                                                           double wrongRepaired, DistillSetting.TrainSizes sizes, Map<Integer, Double> sampledBytes,
                                                           Map<String, Double> solvedByFamily) {
        return new DistillBenchmark.TeacherSummary(cohort, training, "teacher-x", parameters, 60, math, code, 0.2, 0.31, 0.62,
                wrongRepaired, 5, 2200, 130.0, 1.875, sizes, sampledBytes, solvedByFamily);
    }

    private static DistillReport report() {
        DistillPlan plan = DistillPlan.quick(S, List.of(1L, 2L), 100, 4);
        RunConfig sft = plan.configs().get(0);
        RunConfig kd = plan.configs().get(1);
        RunConfig kd70 = plan.configs().get(2);
        RunConfig online = plan.configs().get(3);
        List<RunOutcome> runs = List.of(
                run(sft, 1, 10, curve(0.1, 0.2, 0.3, 0.4)),
                run(kd, 1, 11, curve(0.2, 0.4, 0.5, 0.6)),   // reaches 0.4 at step 50: 0.5 of S
                run(kd70, 1, 11, List.of(new EvalPoint(70, 0.45, 0.45, 0.5, 0.6, 0.1, 0.2))),
                run(online, 1, 30, List.of(new EvalPoint(100, 0.5, 0.5, 0.5, 0.6, 0.1, 0.2))),
                run(sft, 2, 10, curve(0.1, 0.2, 0.3, 0.5)),
                run(kd, 2, 11, curve(0.1, 0.2, 0.3, 0.45)),  // never reaches 0.5
                run(kd70, 2, 11, List.of(new EvalPoint(70, 0.35, 0.35, 0.5, 0.6, 0.1, 0.2))),
                run(online, 2, 32, List.of(new EvalPoint(100, 0.5, 0.5, 0.5, 0.6, 0.1, 0.2))));
        DistillBenchmark.TeacherSummary teacher = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 831_332, 0.9, 0.8, Double.NaN, new DistillSetting.TrainSizes(1000, 1000, 2000, 2000), Map.of());
        return new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.CONTROL);
    }

    @Test
    void shouldPairSeedsForTheHeadline() {
        DistillReport.Headline headline = report().headline();
        assertThat(headline.seeds()).containsExactly(1L, 2L);
        assertThat(headline.sftFinal()).containsExactly(0.4, 0.5);
        assertThat(headline.fractions().get(0)).hasValueCloseTo(0.5, within(1e-12));
        assertThat(headline.fractions().get(1)).isEqualTo(OptionalDouble.empty());
        assertThat(report().headlineText()).contains("at 0.50 of SFT's 100 steps", "reached in 1 of 2 seeds", "seed 2: not reached", "math exact match alone");
        // the 70-step run on its own schedule: above SFT's final 0.4 in seed 1, below its 0.5 in seed 2
        assertThat(report().headlineText()).contains("KD+SFT trained for 70 steps (0.7 S, on its own schedule) against SFT at S: test accuracy "
                + "0.400 ± 0.071 against 0.450 ± 0.071; it holds in 1 of 2 seeds.** Per seed: seed 1: 0.450 against 0.400", "seed 2: 0.350 against 0.500");
    }

    @Test
    void shouldSetSftsOwnFirstReachBesideTheHeadline() {
        DistillPlan plan = DistillPlan.quick(S, List.of(1L, 2L, 3L), 100, 4);
        RunConfig sft = plan.configs().get(0);
        RunConfig kd = plan.configs().get(1);
        List<RunOutcome> runs = List.of(
                run(sft, 1, 10, curve(0.1, 0.4, 0.3, 0.4)),  // SFT reaches its final 0.4 at step 50 already
                run(kd, 1, 11, curve(0.2, 0.4, 0.5, 0.6)),   // KD+SFT at step 50 too: not earlier than SFT
                run(sft, 2, 10, curve(0.1, 0.2, 0.3, 0.5)),
                run(kd, 2, 11, curve(0.1, 0.5, 0.3, 0.45)),  // 0.5 of S, SFT itself 1.0
                run(sft, 3, 10, curve(0.1, 0.2, 0.3, 0.5)),
                run(kd, 3, 11, curve(0.1, 0.2, 0.5, 0.45))); // 0.75 of S
        DistillBenchmark.TeacherSummary teacher = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 831_332, 0.9, 0.8, Double.NaN, new DistillSetting.TrainSizes(1000, 1000, 2000, 2000), Map.of());
        DistillReport report = new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.CONTROL);

        DistillReport.Headline headline = report.headline();

        assertThat(headline.sftFractions().get(0)).hasValueCloseTo(0.5, within(1e-12));
        assertThat(headline.sftFractions().get(1)).hasValueCloseTo(1.0, within(1e-12));
        assertThat(headline.earlierThanSftBy(0.7)).isEqualTo(1);
        assertThat(headline.earlierThanSftBy(0.75)).isEqualTo(2);
        assertThat(headline.earlierThanSftBy(0.5)).isEqualTo(1);
        assertThat(report.headlineText()).contains("SFT itself at 0.83 ± 0.29", "before SFT in 1 of 3 seeds",
                "seed 1: 0.50 (SFT final 0.400, SFT itself 0.50; teacher +0.450)", "Teacher's lead over the student's SFT at S: math +0.433, code +0.333 (strong on both",
                "the teacher's distribution has entropy 0.310 nats and its top token leads the second by 0.620");
    }

    @Test
    void shouldGiveOneRowAConfigWithMeanAndSdOverSeeds() {
        String table = report().table();
        assertThat(table.lines()).hasSize(2 + 1 + 4);
        // SFT final math exact match: 0.4 and 0.5
        assertThat(table).contains("| SFT | 100 | - | CE | 0 / 1 | 0.450 ± 0.071 |");
        assertThat(table).contains("| KD+SFT | 70 | 64 |");
        assertThat(table).contains("| online full-vocab KD+SFT | 100 | all 100 |", "0 (teacher in the trainer)", "| 31.0 ± 1.4 |");
        assertThat(table).contains("| 300 ± 0 |"); // peak RSS in MiB
        assertThat(table).contains("| answer ECE |").contains("| 0.150 ± 0.000 |"); // (math 0.1 + code 0.2) / 2
    }

    @Test
    void shouldGiveEveryRsKdRowTheBytesOfItsOwnCache() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.of(DistillPlan.Sweep.RS_KD));
        List<RunOutcome> runs = plan.configs().stream().map(config -> run(config, 1, 10, curve(0.1, 0.2, 0.3, 0.4))).toList();
        DistillBenchmark.TeacherSummary teacher = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8, 0.7, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of(12, 9.5, 64, 21.25));

        String table = new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.SEED_LIKE).table();

        assertThat(table).contains("| RS-KD+SFT (wrong 0.1 pretrained) | 100 | N = 12 draws | sampled, forward KL | 1 / 0.4 |", "| 9.5 |", "| 21.3 |");
    }

    @Test
    void shouldAverageTheSampledCachesOverTheCohortsThatFilledThem() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L, 2L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.of(DistillPlan.Sweep.RS_KD), 1);
        List<RunOutcome> runs = plan.runs().stream().map(run -> run(run.config(), run.seed(), 10, curve(0.1, 0.2, 0.3, 0.4))).toList();
        DistillSetting.TrainSizes sizes = new DistillSetting.TrainSizes(1000, 1000, 5000, 5000);
        DistillBenchmark.TeacherSummary swept = teacher(seedLikeCohort(1), TeacherGate.Verdict.ungated(Path.of("a.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8, 0.7, sizes,
                Map.of(12, 9.5, 64, 21.25));
        DistillBenchmark.TeacherSummary headlineOnly = teacher(seedLikeCohort(2), TeacherGate.Verdict.ungated(Path.of("b.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8, 0.7,
                sizes, Map.of());

        String table = new DistillReport(plan, new DistillBenchmark.Outcome(List.of(swept, headlineOnly), runs, 300), DistillSetting.SEED_LIKE).table();

        assertThat(table).contains("| 9.5 |", "| 21.3 |").doesNotContain("NaN");
    }

    @Test
    void shouldSayHowManyOfTheStudentsWrongLabelsTheTeacherAnswersRightOnlyWhereThereWereAny() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.noneOf(DistillPlan.Sweep.class));
        List<RunOutcome> runs = plan.configs().stream().map(config -> run(config, 1, 10, curve(0.1, 0.2, 0.3, 0.4))).toList();
        DistillBenchmark.TeacherSummary teacher = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8, 0.7, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of());

        assertThat(new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.SEED_LIKE).headlineText())
                .contains("wrong-labelled training examples the teacher answers 0.700 right (on the test sets 0.850)");
        assertThat(report().headlineText()).doesNotContain("wrong-labelled");
        DistillBenchmark.TeacherSummary before = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("t0.ckpt"), "steps1500"), 1_227_876, 0.5, 0.5, Double.NaN, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of());
        assertThat(new DistillReport(plan, new DistillBenchmark.Outcome(List.of(before, teacher), runs, 300), DistillSetting.SEED_LIKE).headlineText())
                .contains("answers 0.700 right (on the test sets 0.850) (1 of 2 teachers)");
    }

    @Test
    void shouldHoldTheSeedsOwnMeasureOnlyWhereKdAtSeventyPercentAlsoBeatsSftTrainedAsLong() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L, 2L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.noneOf(DistillPlan.Sweep.class));
        RunConfig shortKd = plan.configs().get(2);
        RunConfig shortSft = plan.configs().get(3);
        assertThat(shortSft.objective()).isEqualTo(RunConfig.Objective.SFT);
        assertThat(shortSft.steps()).isEqualTo(shortKd.steps()).isEqualTo(70);
        List<RunOutcome> runs = new ArrayList<>();
        for (long seed : List.of(1L, 2L)) {
            runs.add(run(plan.configs().get(0), seed, 10, curve(0.1, 0.2, 0.3, 0.4)));
            runs.add(run(plan.configs().get(1), seed, 10, curve(0.1, 0.2, 0.3, 0.5)));
            runs.add(run(shortKd, seed, 10, List.of(new EvalPoint(70, 0.45, 0.45, 0.5, 0.6, 0.1, 0.2))));
            // seed 1: SFT of 70 steps reaches 0.42, below KD+SFT's 0.45; seed 2: 0.48, above it, so a shorter schedule alone does as well
            double sftShort = seed == 1 ? 0.42 : 0.48;
            runs.add(run(shortSft, seed, 10, List.of(new EvalPoint(70, sftShort, sftShort, 0.5, 0.6, 0.1, 0.2))));
        }
        DistillBenchmark.TeacherSummary teacher = teacher(COHORT, TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8, 0.7,
                new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of());

        String text = new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.SEED_LIKE).headlineText();

        assertThat(text).contains("against SFT at S and SFT trained for the same 0.7 S: test accuracy 0.450 ± 0.000 against 0.400 ± 0.000 and 0.450 ± 0.042; "
                + "it holds in 1 of 2 seeds.** Per seed: seed 1: 0.450 against 0.400 and 0.420", "seed 2: 0.450 against 0.400 and 0.480");
    }

    @Test
    void shouldGiveTheOtherStartTheSeedsOwnMeasureOfItsOwn() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.of(DistillPlan.Sweep.STUDENT));
        List<RunOutcome> runs = new ArrayList<>();
        for (RunConfig config : plan.configs()) {
            // pretrained: KD+SFT at 0.7 S 0.45 against SFT's 0.40 and 0.42 (holds); scratch: 0.45 against 0.50 (fails)
            boolean scratch = config.start() == StudentStart.SCRATCH;
            double end = config.objective() == RunConfig.Objective.KD_SFT ? 0.45 : config.steps() < S ? 0.42 : scratch ? 0.5 : 0.4;
            runs.add(run(config, 1, 10, config.curve() ? curve(0.1, 0.2, 0.3, end) : List.of(new EvalPoint(config.steps(), end, end, 0.5, 0.6, 0.1, 0.2))));
        }
        DistillBenchmark.TeacherSummary teacher = teacher(seedLikeCohort(1), TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8,
                0.7, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of());

        String text = new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.SEED_LIKE).headlineText();

        assertThat(text).contains("The seed's own measure (wrong 0.1 pretrained), KD+SFT trained for 70 steps", "it holds in 1 of 1 seeds.** Per seed: seed 1: 0.450 against 0.400 and 0.420",
                "The seed's own measure (wrong 0.1 scratch), KD+SFT trained for 70 steps", "it holds in 0 of 1 seeds.** Per seed: seed 1: 0.450 against 0.500 and 0.420");
    }

    @Test
    void shouldTabulateEachFamilysFinalScoresBesideTheTeachersAndLeaveOutRunsThatDidNotMeasureThem() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L, 2L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.noneOf(DistillPlan.Sweep.class));
        RunConfig sft = plan.configs().get(0);
        RunConfig kd = plan.configs().get(1);
        List<RunOutcome> runs = List.of(
                run(sft, 1, 10, List.of(new EvalPoint(100, 0.4, 0.4, 0.5, 0.6, 0.1, 0.2, Map.of("affine", 0.0, "fizzsum", 0.5)))),
                run(sft, 2, 10, List.of(new EvalPoint(100, 0.4, 0.4, 0.5, 0.6, 0.1, 0.2, Map.of("affine", 0.1, "fizzsum", 0.7)))),
                run(kd, 1, 10, List.of(new EvalPoint(100, 0.5, 0.5, 0.5, 0.6, 0.1, 0.2, Map.of("affine", 0.0, "fizzsum", 0.9)))),
                // kept before families were measured: left out of the mean
                run(kd, 2, 10, List.of(new EvalPoint(100, 0.5, 0.5, 0.5, 0.6, 0.1, 0.2))));
        DistillBenchmark.TeacherSummary teacher = teacher(seedLikeCohort(1), TeacherGate.Verdict.ungated(Path.of("teacher.ckpt"), "steps1500"), 1_227_876, 0.9, 0.8,
                0.7, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of(), Map.of("affine", 0.125, "fizzsum", 1.0));
        DistillReport report = new DistillReport(plan, new DistillBenchmark.Outcome(teacher, runs, 300), DistillSetting.SEED_LIKE);

        assertThat(report.familyTable()).contains("| family | teacher | SFT (wrong 0.1 pretrained) | KD+SFT (wrong 0.1 pretrained) |",
                "| affine | 0.13 | 0.05 | 0.00 |", "| fizzsum | 1.00 | 0.60 | 0.90 |");
        assertThat(report.csv()).contains(",affine=0.0000;fizzsum=0.9000\n");
        assertThat(report().familyTable()).as("no family measured anywhere: no table").isEmpty();
    }

    @Test
    void shouldNameEachTeachersPhasesAndSayWhichStayedBelowTheGate() {
        DistillPlan plan = DistillPlan.seedLike(S, List.of(1L, 2L), 100, 4, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.noneOf(DistillPlan.Sweep.class));
        List<RunOutcome> runs = plan.runs().stream().map(r -> run(r.config(), r.seed(), 10, curve(0.1, 0.2, 0.3, 0.4))).toList();
        List<DistillBenchmark.TeacherSummary> teachers = List.of(
                gatedTeacher(1, new TeacherGate.Verdict(Path.of("t1.ckpt"), "steps6000-cool600", 0.985, 0.965, 0.85)),
                gatedTeacher(2, new TeacherGate.Verdict(Path.of("t2.ckpt"), "steps6000+6000+6000-cool600", 0.700, 0.950, 0.85)));
        DistillReport report = new DistillReport(plan, new DistillBenchmark.Outcome(teachers, runs, 300), DistillSetting.SEED_LIKE);

        assertThat(report.table()).contains("| teacher (SFT, 1,227,876 parameters, batch 32) | 6000-cool600 / 6000+6000+6000-cool600 |");
        assertThat(report.headlineText()).contains(
                "Teachers by cohort: 1: steps6000-cool600, test math 0.900, code 0.800 (validation 0.985, 0.965: passed the gate 0.85); "
                        + "2: steps6000+6000+6000-cool600, test math 0.900, code 0.800 (validation 0.700, 0.950: below the gate 0.85).",
                "**1 of 2 teachers stayed below the gate**",
                // each seed's own teacher against its SFT: the mean of math 0.9 and code 0.8 over 0.4
                "seed 1: 1.00 (SFT final 0.400, SFT itself 1.00; teacher +0.450)");
        assertThat(report().headlineText()).contains("Teachers by cohort: 1: steps1500, test math").doesNotContain("gate");
    }

    private static DistillBenchmark.TeacherSummary gatedTeacher(long seed, TeacherGate.Verdict training) {
        return teacher(seedLikeCohort(seed), training, 1_227_876, 0.9, 0.8, Double.NaN, new DistillSetting.TrainSizes(1000, 1000, 5000, 5000), Map.of());
    }

    @Test
    void shouldWriteEveryCheckpointToTheCsvAndBothCurvesToThePlot() {
        DistillReport report = report();
        assertThat(report.csv().lines()).hasSize(1 + 2 * (4 + 4 + 1 + 1));
        assertThat(report.svg()).startsWith("<svg").contains("<polyline").contains("code pass@1");
    }
}
