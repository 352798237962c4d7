package io.kdstream.cli.bench.distill;

import io.kdstream.producers.generate.Difficulty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DistillResultsTest {

    private static DistillBenchmark.Options options(DistillPlan plan, Path home, long steps) {
        return new DistillBenchmark.Options(plan, 2000, 500, 3000, 16, 3e-3, 2, 1, home.resolve("work"), home, Map.of(),
                DistillSetting.SEED_LIKE, TaskDifficulty.both(Difficulty.MEDIUM), steps);
    }

    private static RunOutcome outcome(DistillPlan.Run run) {
        return new RunOutcome(run, "distill-x-" + run.config().slug() + "-s" + run.seed(), new StudentRunProcess.Result(300, 41.5, 400L << 20, 12.5),
                20.25, List.of(new EvalPoint(150, 0.25, 0.5, 0.9, 0.8, 0.125, 0.0625), new EvalPoint(300, 0.375, 0.625, 0.7, 0.6, 0.25, 0.5,
                        Map.of("affine", 0.25, "fizzsum", 0.75))));
    }

    private static DistillBenchmark.TeacherSummary teacher(DistillCohort cohort) {
        Path checkpoint = Path.of("home/teachers/t.ckpt");
        return new DistillBenchmark.TeacherSummary(cohort, new TeacherGate.Verdict(checkpoint, "steps3000+3000-cool300", 0.875, 0.625, 0.8), "fp", 1_227_876, 900.5, 0.9, 0.8, 0.1, 0.31, 0.62, 0.75, 12, 11_000, 126.1,
                1.875, new DistillSetting.TrainSizes(2000, 269, 10_000, 1348), Map.of(12, 9.5, 64, 21.25),
                Map.of("affine", 0.125, "fizzsum", 1.0));
    }

    @Test
    void shouldReadBackWhatItKeptAndKeepOtherSettingsApart(@TempDir Path home) throws Exception {
        DistillPlan plan = DistillPlan.seedLike(300, List.of(1L), 100, 2, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        DistillResults results = DistillResults.of(options(plan, home, 1500));
        DistillPlan.Run run = plan.runs().get(0);
        DistillCohort cohort = DistillSetting.SEED_LIKE.cohortOf(run);

        assertThat(results.run(run)).isEmpty();
        results.save(outcome(run));
        results.save(teacher(cohort));

        assertThat(results.run(run)).contains(outcome(run));
        assertThat(results.teacher(cohort)).contains(teacher(cohort));
        assertThat(results.teacher(cohort).orElseThrow().sampledBytesPerToken()).containsEntry(64, 21.25);
        assertThat(results.run(run).orElseThrow().last().solvedByFamily()).containsExactly(Map.entry("affine", 0.25), Map.entry("fizzsum", 0.75));
        assertThat(results.run(plan.runs().get(1))).isEmpty();
        assertThat(DistillResults.of(options(plan, home, 1000)).dir()).isNotEqualTo(results.dir());
        DistillBenchmark.Options stable = options(plan, home, 1500);
        DistillBenchmark.Options cooled = new DistillBenchmark.Options(plan, 2000, 500, new TeacherTraining(3000, 300, 0, 1), 16, 3e-3, 2, 1,
                home.resolve("work"), home, Map.of(), DistillSetting.SEED_LIKE, TaskDifficulty.both(Difficulty.MEDIUM), 1500, BaseCorpus.TEXT, 1);
        DistillBenchmark.Options gated = new DistillBenchmark.Options(plan, 2000, 500, new TeacherTraining(3000, 300, 0.8, 3), 16, 3e-3, 2, 1,
                home.resolve("work"), home, Map.of(), DistillSetting.SEED_LIKE, TaskDifficulty.both(Difficulty.MEDIUM), 1500, BaseCorpus.TEXT, 1);
        assertThat(List.of(DistillResults.of(stable).dir(), DistillResults.of(cooled).dir(), DistillResults.of(gated).dir())).doesNotHaveDuplicates();
        assertThat(results.dir()).startsWith(home.resolve("bench").resolve("distill"));
    }

    @Test
    void shouldReadRunsStoredBeforeCalibrationWasMeasuredWithNaNCalibration(@TempDir Path home) throws Exception {
        DistillPlan plan = DistillPlan.seedLike(300, List.of(1L), 100, 2, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        DistillResults results = DistillResults.of(options(plan, home, 1500));
        DistillPlan.Run run = plan.runs().get(0);
        results.save(outcome(run));
        java.nio.file.Path file;
        try (var files = java.nio.file.Files.list(results.dir())) {
            file = files.filter(f -> f.getFileName().toString().contains(run.config().slug())).findFirst().orElseThrow();
        }
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("0.9,0.8,0.125,0.0625", "0.9,0.8"));

        EvalPoint first = results.run(run).orElseThrow().curve().get(0);

        assertThat(first.mathCe()).isEqualTo(0.9);
        assertThat(first.answerEce()).isNaN();
    }

    @Test
    void shouldReadTeachersStoredBeforeEntropyOrTheGateExistedWithNaNAndOneStablePhase(@TempDir Path home) throws Exception {
        DistillPlan plan = DistillPlan.seedLike(300, List.of(1L), 100, 2, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        DistillResults results = DistillResults.of(options(plan, home, 1500));
        DistillCohort cohort = DistillSetting.SEED_LIKE.cohortOf(plan.runs().get(0));
        results.save(teacher(cohort));
        java.nio.file.Path file;
        try (var files = java.nio.file.Files.list(results.dir())) {
            file = files.filter(f -> f.getFileName().toString().startsWith("teacher")).findFirst().orElseThrow();
        }
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file)
                .replaceAll("(?m)^(answer\\.(entropy|margin)|teacher\\.phases|validation\\.(math|code)|gate|families)=.*\n", ""));

        DistillBenchmark.TeacherSummary read = results.teacher(cohort).orElseThrow();

        assertThat(read.answerCe()).isEqualTo(0.1);
        assertThat(read.answerEntropy()).isNaN();
        assertThat(read.answerMargin()).isNaN();
        // kept before teachers were cooled or gated: one stable phase of the options' teacher steps, no gate
        assertThat(read.training().phases()).isEqualTo("steps3000");
        assertThat(read.training().validationMath()).isNaN();
        assertThat(read.training().passed()).isTrue();
        assertThat(read.solvedByFamily()).isEmpty();
    }

    @Test
    void shouldReuseEveryStoredRunWithoutStartingAnything(@TempDir Path home) throws Exception {
        DistillPlan plan = DistillPlan.seedLike(300, List.of(1L, 2L), 100, 2, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        DistillBenchmark.Options options = options(plan, home, 1500);
        DistillResults results = DistillResults.of(options);
        for (DistillPlan.Run run : plan.runs()) {
            results.save(outcome(run));
            results.save(teacher(DistillSetting.SEED_LIKE.cohortOf(run)));
        }

        DistillBenchmark.Outcome outcome = new DistillExperiment(options, true, line -> { }).run();

        assertThat(outcome.runs()).hasSize(plan.runs().size()).containsAll(plan.runs().stream().map(DistillResultsTest::outcome).toList());
        assertThat(outcome.teachers()).hasSize(2);
        assertThat(outcome.reusedRuns()).isEqualTo(plan.runs().size());
        assertThat(new DistillReport(plan, outcome, DistillSetting.SEED_LIKE).headline().seeds()).containsExactly(1L, 2L);
    }
}
