package io.kdstream.cli.bench.distill;

import io.kdstream.cli.Kdstream;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import io.kdstream.producers.generate.Difficulty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's machinery end to end at toy size: a teacher trained for a few steps, teacher workers filling the
 * cache (top-K, and RS-KD's sampled tokens beside it), a KD+SFT, an SFT and an RS-KD student through the trainer service
 * and an online full-vocabulary KD student from a pretrained base student, each in its own JVM, two at a time, both
 * evaluators, the report.
 *
 * <p>On a platform of its own, as {@code kdstream bench distill} runs: the shared test platform's topics hold other
 * tests' prompts, which the bench's teacher would cache too.
 */
class DistillBenchmarkIntegrationTest {

    @Test
    void shouldTrainEvaluateAndReportStudentsThroughKafka(@TempDir Path dir) throws Exception {
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            runToySizeBenchmark(platform, dir);
        }
    }

    @Test
    void shouldPrepareEveryCohortsTeacherAndBaseStudentOfTheStudentsShapeWithoutKafka(@TempDir Path dir) throws Exception {
        DistillPlan plan = DistillPlan.seedLike(6, List.of(1L, 2L), 100, 2, 0.1, StudentStart.PRETRAINED, EnumSet.noneOf(DistillPlan.Sweep.class));
        DistillBenchmark.Options options = new DistillBenchmark.Options(plan, 20, 4, 2, 8, 3e-3, 1, 1, dir.resolve("work"), dir.resolve("home"),
                Map.of("kdstream.trainer.student.width", "32", "kdstream.trainer.student.feed.forward.width", "96"),
                DistillSetting.SEED_LIKE, TaskDifficulty.both(Difficulty.MEDIUM), 2);
        List<String> log = new ArrayList<>();

        new DistillExperiment(options, false, log::add).prepareModels(Optional.empty());

        assertThat(cachedCheckpoints(dir.resolve("home").resolve("teachers"))).hasSize(2);
        List<Path> students = cachedCheckpoints(dir.resolve("home").resolve("students"));
        assertThat(students).hasSize(2);
        CharTokenizer tokenizer = new CharTokenizer();
        try (LoadedCheckpoint student = CheckpointFile.read(students.get(0), null, tokenizer.fingerprint())) {
            assertThat(student.model().config()).isEqualTo(options.studentArchitecture());
            assertThat(student.model().config().modelWidth()).isEqualTo(32);
        }
        assertThat(log).filteredOn(line -> line.contains("teacher and base student ready")).hasSize(2);

        log.clear();
        new DistillExperiment(options, false, log::add).prepareModels(Optional.empty());
        assertThat(log).noneMatch(line -> line.contains("training one"));
    }

    @Test
    void shouldPrepareCohortsSideBySideEachInAJvmOfItsOwn(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path output = dir.resolve("prepare.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-cp", System.getProperty("java.class.path"), Kdstream.class.getName()));
        command.addAll(List.of("bench", "distill", "--setting", "seed-like", "--seeds", "2", "--steps", "6", "--sweeps", "sft-weight",
                "--train-prompts", "20", "--test-prompts", "4", "--teacher-steps", "2", "--teacher-cool-down", "1", "--base-student-steps", "2",
                "-D", "kdstream.trainer.student.width=32", "-D", "kdstream.trainer.student.feed.forward.width=96",
                "--prepare-only", "--parallel-runs", "2"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("KDSTREAM_HOME", home.toString());

        int exit = builder.start().waitFor();

        List<String> lines = Files.readAllLines(output);
        assertThat(exit).as(String.join("\n", lines)).isZero();
        // both cohorts' JVMs start before either is ready, and each trains its own teacher and base student
        int firstReady = lines.stream().filter(line -> line.contains("ready")).map(lines::indexOf).findFirst().orElseThrow();
        assertThat(lines.subList(0, firstReady)).filteredOn(line -> line.contains("preparing in a JVM of its own")).hasSize(2);
        assertThat(lines).filteredOn(line -> line.contains("teacher and base student ready (")).hasSize(2);
        assertThat(cachedCheckpoints(home.resolve("teachers"))).map(path -> path.getFileName().toString().replaceAll(".*c10000(d\\d+)-.*-(steps.*)\\.ckpt", "$1 $2"))
                .containsExactly("d1011 steps2-cool1-seed8", "d1011 steps2-seed8", "d2011 steps2-cool1-seed9", "d2011 steps2-seed9");
        assertThat(cachedCheckpoints(home.resolve("students"))).hasSize(2);
        try (var files = Files.list(home.resolve("teachers"))) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.contains(".partial"));
        }
        // each cohort's JVM names its cohort as the whole plan does, not as a plan of one
        for (String line : lines.stream().filter(line -> line.contains("its progress: ")).toList()) {
            String cohort = line.replaceAll(".*(cohort \\d/2) .*", "$1");
            assertThat(Files.readString(Path.of(line.substring(line.indexOf("its progress: ") + "its progress: ".length()))))
                    .contains(cohort + " (data seed " + cohort.charAt("cohort ".length()) + "011").contains("teacher and base student ready")
                    .doesNotContain("cohort 1/1");
        }
    }

    private static List<Path> cachedCheckpoints(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ckpt")).sorted().toList();
        }
    }

    private static void runToySizeBenchmark(EmbeddedPlatform platform, Path dir) throws Exception {
        Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
        // the online run starts from a pretrained base student (trained here for 2 steps and cached under the home)
        DistillPlan plan = new DistillPlan(6, List.of(1L), List.of(
                RunConfig.kd(6, 4, "renormalised", "forward", 1, 0.4, true),
                RunConfig.rsKd(6, 12, 1, 0.4),
                RunConfig.online(6, 100, 1, 0.4).on(0, StudentStart.PRETRAINED),
                RunConfig.sft(6, false)), 2);
        // two runs at a time: the SFT run waits for the KD run's top-K cache and trains on the other lane's copy of it
        DistillBenchmark.Options options = new DistillBenchmark.Options(plan, 20, 4, TeacherTraining.stable(2), 8, 3e-3, 1, 1,
                Files.createDirectories(dir.resolve("work")), dir.resolve("home"), Map.of(), DistillSetting.CONTROL, TaskDifficulty.both(Difficulty.EASY), 2,
                BaseCorpus.TEXT, 2);
        List<String> log = new ArrayList<>();

        List<Object> handed = java.util.Collections.synchronizedList(new ArrayList<>());

        DistillBenchmark.Outcome outcome = new DistillBenchmark(settings, options, log::add).run(new DistillBenchmark.Finished() {
            @Override
            public void teacher(DistillBenchmark.TeacherSummary teacher) {
                handed.add(teacher);
            }

            @Override
            public void run(RunOutcome run) {
                handed.add(run);
            }
        });

        // what a resumed benchmark reuses: the teacher before any run, then every run once, as it was evaluated
        assertThat(handed).hasSize(5).first().isEqualTo(outcome.teacher());
        assertThat(handed.subList(1, 5)).containsExactlyInAnyOrderElementsOf(outcome.runs());

        assertThat(outcome.teacher().cacheRecords()).isEqualTo(2 * 20 + 2 * 4);
        assertThat(outcome.teacher().bytesPerToken()).isPositive();
        assertThat(Files.exists(outcome.teacher().checkpoint())).isTrue();
        assertThat(outcome.teacher().trainSeconds()).isPositive();
        try (var students = Files.list(dir.resolve("home").resolve("students"))) {
            assertThat(students.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("mathcode-base-student-") && name.endsWith(".ckpt"));
        }
        assertThat(outcome.teacher().sampledBytesPerToken()).containsOnlyKeys(12).allSatisfy((draws, bytes) -> assertThat(bytes).isPositive());
        assertThat(outcome.runs()).hasSize(4);
        assertThat(dir.resolve("work").resolve("trainer-cache")).isDirectory();
        assertThat(dir.resolve("work").resolve("lane-2").resolve("trainer-cache")).isDirectory();
        assertThat(outcome.runs().get(0).curve()).extracting(EvalPoint::step).containsExactly(3L, 6L);
        assertThat(outcome.runs().get(1).curve()).extracting(EvalPoint::step).containsExactly(6L);
        assertThat(outcome.runs().get(2).curve()).extracting(EvalPoint::step).containsExactly(6L);
        assertThat(outcome.runs().get(3).curve()).extracting(EvalPoint::step).containsExactly(6L);
        for (RunOutcome run : outcome.runs()) {
            assertThat(run.training().steps()).isEqualTo(6);
            assertThat(run.training().peakRssBytes()).isPositive();
            assertThat(run.last().mathCe()).isPositive();
            assertThat(run.last().answerEce()).isBetween(0.0, 1.0);
        }
        DistillReport report = new DistillReport(plan, outcome, DistillSetting.CONTROL);
        assertThat(report.table()).contains("| KD+SFT | 6 | 4 |", "| RS-KD+SFT | 6 | N = 12 draws | sampled, forward KL |", "| online full-vocab KD+SFT (wrong 0 pretrained) | 6 | all 100 |",
                "| SFT | 6 | - | CE |");
    }
}
