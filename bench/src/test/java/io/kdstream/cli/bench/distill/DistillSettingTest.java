package io.kdstream.cli.bench.distill;

import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.platform.config.Settings;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.trainer.sft.SupervisedTraining;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistillSettingTest {

    private static long parameters(TransformerConfig architecture) {
        try (DecoderLanguageModel model = DecoderLanguageModel.create(architecture, 1)) {
            return model.parameterCount();
        }
    }

    private static DistillBenchmark.Options options(DistillSetting setting, java.util.Map<String, String> overrides) {
        DistillPlan plan = DistillPlan.seedLike(10, List.of(1L), 100, 2, 0.1, StudentStart.PRETRAINED, java.util.EnumSet.noneOf(DistillPlan.Sweep.class));
        return new DistillBenchmark.Options(plan, 20, 4, 2, 8, 3e-3, 1, 1, Path.of("work"), Path.of("home"), overrides, setting,
                setting.defaultDifficulty(), 2);
    }

    @Test
    void shouldGiveTheSeedLikeSettingATeacherOfTheSeedsMultipleOfTheStudentsParametersOnFiveTimesItsPrompts() {
        int vocabulary = new CharTokenizer().vocabularySize();
        long student = parameters(options(DistillSetting.SEED_LIKE, java.util.Map.of()).studentArchitecture());
        long teacher = parameters(DistillSetting.SEED_LIKE.teacherArchitecture(vocabulary));
        assertThat((double) teacher / student).as("the seed's 340 B teacher has 22.7 x its 15 B student's parameters").isBetween(20.0, 26.0);
        assertThat(options(DistillSetting.CONTROL, java.util.Map.of()).studentArchitecture()).isEqualTo(TransformerConfig.student(vocabulary));
        assertThat(DistillSetting.CONTROL.teacherArchitecture(vocabulary)).isEqualTo(TransformerConfig.teacher(vocabulary));
        assertThat(DistillSetting.SEED_LIKE.trainSizes(2000, 50_000)).isEqualTo(new DistillSetting.TrainSizes(2000, 2000, 10_000, 10_000));
        assertThat(DistillSetting.SEED_LIKE.trainSizes(3000, 50_000)).isEqualTo(new DistillSetting.TrainSizes(3000, 3000, 15_000, 15_000));
        assertThat(DistillSetting.CONTROL.trainSizes(1000, 0)).isEqualTo(new DistillSetting.TrainSizes(1000, 1000, 2000, 2000));
    }

    @Test
    void shouldLetTrainerSettingsOverrideTheSettingsStudentShapeForTheRunsAndTheBaseStudentAlike() {
        DistillBenchmark.Options options = options(DistillSetting.SEED_LIKE, java.util.Map.of("kdstream.trainer.student.width", "32"));

        assertThat(options.studentArchitecture().modelWidth()).isEqualTo(32);
        assertThat(options.studentArchitecture().feedForwardWidth()).isEqualTo(160);
        assertThat(options.studentRunSettings()).containsEntry("kdstream.trainer.student.width", "32");
    }

    @Test
    void shouldGiveTheStudentsAFifthOfTheCodeTasksWhereTheGeneratorHasTooFewForFiveTimesTheirPrompts() {
        SdgOptions medium = new SdgOptions(Difficulty.MEDIUM, 0.1);
        int supply = DistillData.codeSupply(DistillSetting.SEED_LIKE.dataSeed(1), medium, Integer.MAX_VALUE);
        DistillSetting.TrainSizes sizes = DistillSetting.SEED_LIKE.trainSizes(2000, supply);
        assertThat(sizes.teacherCode()).isEqualTo(Math.min(supply, 10_000));
        assertThat(sizes.studentCode() * 5).isLessThanOrEqualTo(sizes.teacherCode());
        assertThat(sizes.teacherMath()).isEqualTo(5 * sizes.studentMath());
        // the students' code tasks are a prefix of the teacher's, wrong responses included
        DistillData teacher = DistillData.generate(sizes.teacherMath(), sizes.teacherCode(), 1, DistillSetting.SEED_LIKE.dataSeed(1), medium);
        DistillData students = DistillData.generate(100, sizes.studentCode(), 1, DistillSetting.SEED_LIKE.dataSeed(1), medium);
        assertThat(teacher.trainCode().subList(0, sizes.studentCode())).extracting(Prompt::getId)
                .containsExactlyElementsOf(students.trainCode().stream().map(Prompt::getId).toList());
    }

    @Test
    void shouldGiveTheFullRunsStudentsAndTeacherAllTheirHardCodeTasks() {
        int supply = DistillData.codeSupply(DistillSetting.SEED_LIKE.dataSeed(1), new SdgOptions(Difficulty.HARD, 0.1), Integer.MAX_VALUE);
        assertThat(DistillSetting.SEED_LIKE.trainSizes(2000, supply)).isEqualTo(new DistillSetting.TrainSizes(2000, 2000, 10_000, 10_000));
    }

    @Test
    void shouldVaryDataAndTeacherWithTheSeedOnlyInTheSeedLikeSetting() {
        assertThat(DistillSetting.CONTROL.dataSeed(1)).isEqualTo(DistillSetting.CONTROL.dataSeed(2)).isEqualTo(DistillBenchmark.DATA_SEED);
        assertThat(DistillSetting.CONTROL.teacherSeed(3)).isEqualTo(DistillBenchmark.TEACHER_SEED);
        assertThat(DistillSetting.SEED_LIKE.dataSeed(1)).isNotEqualTo(DistillSetting.SEED_LIKE.dataSeed(2));
        assertThat(DistillSetting.SEED_LIKE.teacherSeed(1)).isNotEqualTo(DistillSetting.SEED_LIKE.teacherSeed(2));
    }

    @Test
    void shouldEvaluateTheFullSeedLikeTableOnFiveHundredProblemsEveryTwentiethOfS() {
        assertThat(DistillSetting.SEED_LIKE.defaultTestPerDataset(false)).isGreaterThanOrEqualTo(500);
        assertThat(DistillSetting.SEED_LIKE.defaultCurvePoints(false)).isEqualTo(20);
        assertThat(DistillSetting.SEED_LIKE.defaultSeeds(false)).isGreaterThanOrEqualTo(5);
        assertThat(DistillSetting.CONTROL.defaultTestPerDataset(false)).isEqualTo(200);
    }

    @Test
    void shouldCountAPromptGeneratedTwiceOnceAsTheTopicsKeyedByContentDo() {
        DistillData data = DistillData.generate(20, 5, 1011, new SdgOptions(Difficulty.MEDIUM, 0.1));
        List<Prompt> twice = new java.util.ArrayList<>(data.train());
        twice.add(data.train().get(3));

        assertThat(DistillData.distinct(data.train())).isEqualTo(40);
        assertThat(DistillData.distinct(twice)).as("a consumer of the topic sees 40 records, not 41").isEqualTo(40);
    }

    @Test
    void shouldRefuseDataWhoseTestSetSharesAPromptWithItsTrainingSet() {
        DistillData data = DistillData.generate(20, 5, 1011, new SdgOptions(Difficulty.EXPERT, 0.1));
        List<Prompt> leaked = List.of(data.testCode().get(2));

        assertThatThrownBy(() -> new DistillData(data.trainMath(), leaked, data.testMath(), data.testCode(), 1011, data.mathOptions(), data.codeOptions()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(leaked.get(0).getId()).hasMessageContaining(leaked.get(0).getPrompt());
        // the seed whose data held such a task before the generator was fixed
        assertThat(DistillData.generate(2000, 2000, 500, 2011, new SdgOptions(Difficulty.HARD, 0.1), new SdgOptions(Difficulty.EXPERT, 0.1)).all())
                .hasSize(5000);
    }

    @Test
    void shouldNameCachedModelsByTheirRecipeAndKeepTheControlTeachersName() {
        DistillData control = DistillData.generate(20, 1, DistillBenchmark.DATA_SEED);
        assertThat(control.tag()).isEqualTo("m20c20d11");
        DistillData noisy = DistillData.generate(20, 1, 1011, new SdgOptions(Difficulty.MEDIUM, 0.1));
        assertThat(noisy.tag()).isEqualTo("m20c20d1011-medium-wrong0p1");
        int vocabulary = new CharTokenizer().vocabularySize();
        Path teacher = CachedSftModel.teacher(TransformerConfig.teacher(vocabulary), 1500, 7, "m2000c2000d11").cachedCheckpoint(Path.of("home"));
        // the control's teacher keeps the file name it had, so a machine's cached teacher is found again
        assertThat(teacher).isEqualTo(Path.of("home", "teachers", "mathcode-teacher-a77616ed-m2000c2000d11-steps1500-seed7.ckpt"));
        assertThat(CachedSftModel.baseStudent(TransformerConfig.student(vocabulary), 1500, 1011, noisy.tag()).cachedCheckpoint(Path.of("home"))
                .getParent()).isEqualTo(Path.of("home", "students"));
    }

    @Test
    void shouldGenerateEachDatasetAtItsOwnDifficultyAndNameTheMixInTheTag() {
        TaskDifficulty mixed = TaskDifficulty.parse("math=hard,code=medium");
        DistillData data = DistillData.generate(30, 30, 10, 1011, mixed.mathOptions(0.1), mixed.codeOptions(0.1));

        assertThat(data.tag()).isEqualTo("m30c30d1011-math-hard-code-medium-wrong0p1");
        // hard math: four-digit operands; medium code: the same tasks a uniform medium run generates
        assertThat(data.trainMath()).allSatisfy(p -> assertThat(p.getPrompt()).matches("What is \\d{4}[+-]\\d{4}\\?"));
        DistillData medium = DistillData.generate(30, 30, 10, 1011, new SdgOptions(Difficulty.MEDIUM, 0.1));
        assertThat(data.trainCode()).extracting(Prompt::getId).isEqualTo(medium.trainCode().stream().map(Prompt::getId).toList());
        assertThat(data.testCode()).extracting(Prompt::getId).isEqualTo(medium.testCode().stream().map(Prompt::getId).toList());
        assertThat(data.trainMath().stream().filter(p -> io.kdstream.producers.generate.SdgMetadata.isWrong(p.getMetadata()))).hasSize(3);
        assertThat(data.testMath()).noneSatisfy(p -> assertThat(io.kdstream.producers.generate.SdgMetadata.isWrong(p.getMetadata())).isTrue());
    }

    @Test
    void shouldLeaveRoomToGenerateEveryReferenceResponseInTheEvaluatorsLimitAndTheModelsContext() {
        CharTokenizer tokenizer = new CharTokenizer();
        int maxNewTokens = EvaluatorConfig.from(Settings.of(Map.of())).maxNewTokens();
        int context = Math.min(TransformerConfig.student(tokenizer.vocabularySize()).contextLength(),
                TransformerConfig.teacher(tokenizer.vocabularySize()).contextLength());
        for (Difficulty difficulty : Difficulty.values()) {
            DistillData data = DistillData.generate(1, 200, 1011, new SdgOptions(difficulty, 0));
            for (Prompt prompt : data.all().stream().filter(p -> p.getSplit() == Split.TEST).toList()) {
                int length = tokenizer.encodeExample(prompt.getPrompt(), prompt.getResponse()).tokens().length;
                int generated = length - tokenizer.encodePrompt(prompt.getPrompt()).length;
                // a response the evaluator cuts short can never be solved: the hard code tasks' longest programs once were
                assertThat(generated).as("%s %s", difficulty, prompt.getMetadata()).isLessThanOrEqualTo(maxNewTokens);
                assertThat(length).as("%s %s", difficulty, prompt.getMetadata()).isLessThanOrEqualTo(context);
            }
        }
    }

    @Test
    void shouldReadOneDifficultyForBothDatasetsOrEachApartAndRefuseAnythingElseByName() {
        assertThat(TaskDifficulty.parse("hard")).isEqualTo(TaskDifficulty.both(Difficulty.HARD));
        assertThat(TaskDifficulty.parse("hard").configName()).isEqualTo("hard");
        assertThat(TaskDifficulty.parse("code=easy")).isEqualTo(new TaskDifficulty(Difficulty.MEDIUM, Difficulty.EASY));
        assertThat(TaskDifficulty.parse("math=hard, code=medium").toString()).isEqualTo("math hard, code medium");
        assertThatThrownBy(() -> TaskDifficulty.parse("maths=hard")).hasMessageContaining("maths=hard").hasMessageContaining("math=LEVEL,code=LEVEL");
        assertThatThrownBy(() -> TaskDifficulty.parse("math=brutal")).hasMessageContaining("unknown difficulty 'brutal'");
    }

    @Test
    void shouldPretrainTheBaseStudentOnTheTasksTextWithoutAnswersAndOtherDifficulties() {
        DistillData data = DistillData.generate(5, 1, 1011, new SdgOptions(Difficulty.MEDIUM, 0.1));
        List<SupervisedTraining.Example> corpus = data.pretrainingCorpus(BaseCorpus.TEXT_AND_OTHERS, 3);
        assertThat(corpus).hasSize(10 + 3 * 2 * 3);
        // easy code tasks are fewer than 3,000: the corpus takes what there is, and 3,000 of the hard and expert ones
        int easyCode = DistillData.codeSupply(1011, SdgOptions.CLEAN_EASY, Integer.MAX_VALUE);
        assertThat(easyCode).isLessThan(3000);
        assertThat(DistillData.codeSupply(1011, SdgOptions.CLEAN_EASY, 100)).isEqualTo(100);
        assertThat(data.pretrainingCorpus(BaseCorpus.TEXT_AND_OTHERS, 3000)).hasSize(10 + 3 * 3000 + easyCode + 2 * 3000);
        // the text alone: the training problems without answers, nothing of the other levels
        assertThat(data.pretrainingCorpus(BaseCorpus.TEXT, 2000)).isEqualTo(corpus.subList(0, 10));
        assertThat(corpus.subList(0, 10)).allSatisfy(e -> assertThat(e.prompt()).isEmpty());
        assertThat(corpus.subList(0, 10)).extracting(SupervisedTraining.Example::response).containsExactlyElementsOf(data.train().stream().map(Prompt::getPrompt).toList());
        assertThat(data.train()).noneSatisfy(p -> assertThat(corpus).anySatisfy(e -> assertThat(e.response()).isEqualTo(p.getResponse())));
    }
}
