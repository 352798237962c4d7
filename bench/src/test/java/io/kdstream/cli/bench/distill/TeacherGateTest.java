package io.kdstream.cli.bench.distill;

import io.kdstream.evaluator.scoring.CheckpointScorer;
import io.kdstream.evaluator.scoring.TaskJudge;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.SdgOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Real training at toy size: a tiny model, a few steps a phase, scored by the evaluator's scorer on validation problems. */
class TeacherGateTest {

    private static final TransformerConfig TINY = new TransformerConfig(new CharTokenizer().vocabularySize(), 128, 16, 2, 1, 32).validate();
    private static final CheckpointScorer SCORER = new CheckpointScorer(new CharTokenizer(), new TaskJudge(1000), 4, 64);

    @Test
    void shouldTrainOnWhileBelowTheGateAndSayWhenTheRoundsRunOut(@TempDir Path home) throws Exception {
        DistillData data = DistillData.generate(20, 1, 5, SdgOptions.CLEAN_EASY);
        List<String> log = new ArrayList<>();
        TeacherGate gate = new TeacherGate(new TeacherTraining(3, 2, 1.0, 2), SCORER, home, log::add);

        TeacherGate.Verdict verdict = gate.train(CachedSftModel.teacher(TINY, 3, 5, data.tag()), data.teacherExamples(), SdgOptions.CLEAN_EASY,
                SdgOptions.CLEAN_EASY);

        // no 3-step model solves every problem: two rounds, each cooled and scored, then used below the gate
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.phases()).isEqualTo("steps3+3-cool2");
        assertThat(verdict.checkpoint().getFileName().toString()).endsWith("-steps3+3-cool2-seed5.ckpt");
        assertThat(verdict.validationMath()).isBetween(0.0, 0.99);
        assertThat(log).filteredOn(line -> line.startsWith("teacher steps")).hasSize(2).allMatch(line -> line.contains("BELOW the gate 1.00"));
        try (var files = Files.list(home.resolve("teachers"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".ckpt")).map(name -> name.replaceAll(".*-(steps[^-]*(-cool\\d+)?)-seed5\\.ckpt", "$1")))
                    .containsExactlyInAnyOrder("steps3", "steps3-cool2", "steps3+3", "steps3+3-cool2");
        }
        assertThat(CachedSftModel.trainSeconds(verdict.checkpoint()).orElseThrow())
                .isGreaterThan(CachedSftModel.trainSeconds(home.resolve("teachers").resolve(verdict.checkpoint().getFileName().toString()
                        .replace("steps3+3-cool2", "steps3"))).orElseThrow());
    }

    @Test
    void shouldKeepTheValidationScoresBesideTheTeacherAndReadThemOnTheNextRun(@TempDir Path home) throws Exception {
        DistillData data = DistillData.generate(20, 1, 5, SdgOptions.CLEAN_EASY);
        TeacherGate gate = new TeacherGate(new TeacherTraining(3, 2, 1.0, 1), SCORER, home, line -> { });
        CachedSftModel teacher = CachedSftModel.teacher(TINY, 3, 5, data.tag());

        TeacherGate.Verdict first = gate.train(teacher, data.teacherExamples(), SdgOptions.CLEAN_EASY, SdgOptions.CLEAN_EASY);

        Properties recorded = CachedSftModel.recorded(first.checkpoint()).orElseThrow();
        assertThat(Double.parseDouble(recorded.getProperty(TeacherGate.VALIDATION_MATH))).isEqualTo(first.validationMath());
        String judgedBy = recorded.getProperty(TeacherGate.VALIDATION_SET);
        assertThat(judgedBy).matches("[0-9a-f]{64}");
        assertThat(recorded.getProperty(TeacherGate.VALIDATION_MAX_NEW_TOKENS)).isEqualTo("4");
        assertThat(CachedSftModel.trainSeconds(first.checkpoint())).isPresent();

        // scores that no 3-step model earns: the next run can only have them from the record, not from scoring again
        Properties perfect = new Properties();
        perfect.setProperty(TeacherGate.VALIDATION_MATH, "1.0");
        perfect.setProperty(TeacherGate.VALIDATION_CODE, "1.0");
        CachedSftModel.record(first.checkpoint(), perfect);
        TeacherGate.Verdict second = gate.train(teacher, data.teacherExamples(), SdgOptions.CLEAN_EASY, SdgOptions.CLEAN_EASY);

        assertThat(second.passed()).isTrue();
        assertThat(second.checkpoint()).isEqualTo(first.checkpoint());
        assertThat(CachedSftModel.trainSeconds(second.checkpoint())).isEqualTo(CachedSftModel.trainSeconds(first.checkpoint()));

        // scores of problems judged otherwise (their tests made stricter since) are not this judge's: measured again
        perfect.setProperty(TeacherGate.VALIDATION_SET, "0".repeat(64));
        CachedSftModel.record(first.checkpoint(), perfect);
        assertThat(gate.train(teacher, data.teacherExamples(), SdgOptions.CLEAN_EASY, SdgOptions.CLEAN_EASY).passed()).isFalse();
        assertThat(CachedSftModel.recorded(first.checkpoint()).orElseThrow().getProperty(TeacherGate.VALIDATION_SET)).isEqualTo(judgedBy);

        // scores measured with another generation limit are not this scorer's: measured again and recorded
        TeacherGate longer = new TeacherGate(new TeacherTraining(3, 2, 1.0, 1), new CheckpointScorer(new CharTokenizer(), new TaskJudge(1000), 8, 64),
                home, line -> { });
        TeacherGate.Verdict third = longer.train(teacher, data.teacherExamples(), SdgOptions.CLEAN_EASY, SdgOptions.CLEAN_EASY);

        assertThat(third.passed()).isFalse();
        assertThat(CachedSftModel.recorded(third.checkpoint()).orElseThrow().getProperty(TeacherGate.VALIDATION_MAX_NEW_TOKENS)).isEqualTo("8");
    }

    @Test
    void shouldUseTheCooledTeacherUnscoredWithoutAGate(@TempDir Path home) throws Exception {
        DistillData data = DistillData.generate(20, 1, 5, SdgOptions.CLEAN_EASY);
        TeacherGate gate = new TeacherGate(new TeacherTraining(3, 2, 0, 3), SCORER, home, line -> { });

        TeacherGate.Verdict verdict = gate.train(CachedSftModel.teacher(TINY, 3, 5, data.tag()), data.teacherExamples(), SdgOptions.CLEAN_EASY,
                SdgOptions.CLEAN_EASY);

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.phases()).isEqualTo("steps3-cool2");
        assertThat(verdict.validationMath()).isNaN();
        assertThat(Files.exists(verdict.checkpoint())).isTrue();
    }
}
