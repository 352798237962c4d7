package io.kdstream.producers.generate;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.producers.ingest.CharacterPolicy;
import io.kdstream.producers.ingest.FieldMapping;
import io.kdstream.producers.ingest.JsonlPromptParser;
import io.kdstream.producers.ingest.PromptText;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.ProgramException;
import io.kdstream.tinylang.TestCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeTaskGeneratorTest {

    @Test
    void shouldBeDeterministicFromTheSeed() {
        assertThat(new CodeTaskGenerator(7).generate(50, Split.TRAIN))
                .isEqualTo(new CodeTaskGenerator(7).generate(50, Split.TRAIN))
                .isNotEqualTo(new CodeTaskGenerator(8).generate(50, Split.TRAIN));
    }

    @Test
    void shouldNeverShareAProblemBetweenSplitsWhateverTheSeed() {
        Set<String> train = new HashSet<>();
        Set<String> test = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            new CodeTaskGenerator(seed).generate(800, Split.TRAIN).forEach(t -> train.add(t.canonical()));
            new CodeTaskGenerator(seed + 100).generate(100, Split.TEST).forEach(t -> test.add(t.canonical()));
        }
        assertThat(test).hasSizeGreaterThan(150);
        assertThat(train).doesNotContainAnyElementsOf(test);
    }

    /**
     * What a model sees is the task's text, so no text may be in both splits, though two families' problems differ: an
     * affine task shown at 0 and 1 was once word for word an affine01 task of the other split.
     */
    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldNeverShowOneTaskTextInBothSplits(Difficulty difficulty) {
        Set<String> train = new HashSet<>();
        Set<String> test = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            train.addAll(texts(new CodeTaskGenerator(seed, new SdgOptions(difficulty, 0)).distinct(Split.TRAIN), 4000));
            test.addAll(texts(new CodeTaskGenerator(seed + 100, new SdgOptions(difficulty, 0)).distinct(Split.TEST), 500));
        }
        assertThat(test).hasSizeGreaterThan(200);
        assertThat(train).doesNotContainAnyElementsOf(test);
    }

    /** The texts of the first {@code atMost} tasks (fewer where the level has fewer). */
    private static List<String> texts(Iterator<CodeTaskGenerator.CodeTask> tasks, int atMost) {
        List<String> texts = new ArrayList<>();
        while (texts.size() < atMost && tasks.hasNext()) {
            texts.add(tasks.next().prompt());
        }
        return texts;
    }

    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldGiveEveryTemplatesReferenceProgramTheOutputsOfItsIndependentOracle(Difficulty difficulty) {
        SplittableRandom random = new SplittableRandom(11);
        for (CodeTemplate template : CodeTemplates.of(difficulty)) {
            for (int i = 0; i < 40; i++) {
                CodeTaskGenerator.CodeTask task = CodeTaskGenerator.task(template, template.parameters().draw(random), difficulty);
                assertThat(TestCase.allPass(task.response(), task.tests(), CodeTaskGenerator.STEP_LIMIT))
                        .as("%s: %s against %s", task.canonical(), task.response(), TestCase.encode(task.tests())).isTrue();
                assertThat(task.tests().stream().map(TestCase::expected).distinct().count())
                        .as("%s: outputs differ, so no constant program passes", task.canonical()).isGreaterThan(1);
                assertThat(task.prompt().length() + task.response().length()).as(task.canonical())
                        .isLessThanOrEqualTo(CodeTemplates.MAX_EXAMPLE_CHARS);
            }
        }
    }

    @Test
    void shouldMakeHarderTasksLongerWithMoreBranches() {
        double easy = meanProgram(Difficulty.EASY, "if ");
        double medium = meanProgram(Difficulty.MEDIUM, "if ");
        double hard = meanProgram(Difficulty.HARD, "if ");
        assertThat(medium).isGreaterThan(easy);
        assertThat(hard).isGreaterThan(medium);
        assertThat(meanProgram(Difficulty.MEDIUM, null)).isGreaterThan(meanProgram(Difficulty.EASY, null));
        assertThat(meanProgram(Difficulty.HARD, null)).isGreaterThan(meanProgram(Difficulty.MEDIUM, null));
    }

    /** Mean over a batch of tasks: program length, or (with {@code construct}) how often it is written plus loops. */
    private static double meanProgram(Difficulty difficulty, String construct) {
        return new CodeTaskGenerator(9, new SdgOptions(difficulty, 0)).generate(200, Split.TRAIN).stream()
                .mapToDouble(task -> construct == null ? task.response().length()
                        : occurrences(task.response(), construct) + occurrences(task.response(), "while ") + occurrences(task.response(), "||"))
                .average().orElseThrow();
    }

    private static int occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldFindForEveryTemplateAWrongProgramThatRunsButFailsSomeTests(Difficulty difficulty) throws Exception {
        CodeTaskGenerator generator = new CodeTaskGenerator(13, new SdgOptions(difficulty, 1));
        SplittableRandom random = new SplittableRandom(17);
        for (CodeTemplate template : CodeTemplates.of(difficulty)) {
            for (int i = 0; i < 40; i++) {
                CodeTaskGenerator.CodeTask task = CodeTaskGenerator.task(template, template.parameters().draw(random), difficulty);
                CodeTaskGenerator.CodeTask wrong = generator.wrong(task).orElseThrow(() -> new AssertionError("no wrong program for " + task));
                String described = task.canonical() + ": " + wrong.response() + " for " + task.response();
                assertThat(wrong.wrong()).isTrue();
                assertThat(wrong.tests()).isEqualTo(task.tests());
                assertThat(wrong.prompt().length() + wrong.response().length()).as(described).isLessThanOrEqualTo(CodeTemplates.MAX_EXAMPLE_CHARS);
                Program program = Program.parse(wrong.response());
                int passed = 0;
                for (TestCase test : task.tests()) {
                    passed += program.run(test.inputs(), CodeTaskGenerator.STEP_LIMIT) == test.expected() ? 1 : 0;
                }
                assertThat(passed).as("runs on every test but fails some: %s", described).isLessThan(task.tests().size());
                assertThat(generator.wrong(task)).as("deterministic").contains(wrong);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldJudgeHeldOutTasksByTestsThatTellTheReferenceFromEveryNearMissThatAnswersOtherwise(Difficulty difficulty) throws Exception {
        long dataSeed = 1011;
        CodeTaskGenerator generator = new CodeTaskGenerator(dataSeed, new SdgOptions(difficulty, 0));
        int extended = 0;
        List<CodeTaskGenerator.CodeTask> heldOut = generator.generate(100, Split.TEST);
        for (CodeTaskGenerator.CodeTask task : heldOut) {
            CodeTemplate template = CodeTaskGenerator.family(CodeTemplates.of(difficulty), task.canonical());
            long[] parameters = CodeTaskGenerator.parameters(task.canonical());
            assertThat(task.tests()).as(task.canonical()).startsWith(CodeTaskGenerator.task(template, parameters, difficulty)
                    .tests().toArray(TestCase[]::new));
            assertThat(TestCase.allPass(task.response(), task.tests(), CodeTaskGenerator.STEP_LIMIT)).as(task.canonical()).isTrue();
            extended += task.tests().size() > CodeTaskGenerator.TESTS_PER_TASK ? 1 : 0;
            // fresh inputs of the task's own distribution, other than those the tests were drawn from
            SplittableRandom fresh = new SplittableRandom(Splits.crc32(task.canonical()) + 7);
            List<TestCase> freshTests = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                freshTests.add(template.testCase(parameters, template.draw().draw(fresh, parameters)));
            }
            for (String nearMiss : WrongPrograms.mutants(task.response())) {
                if (TestCase.allPass(nearMiss, task.tests(), CodeTaskGenerator.STEP_LIMIT)) {
                    Program program = Program.parse(nearMiss);
                    long otherwise = freshTests.stream().filter(test -> !passes(program, test)).count();
                    assertThat(otherwise).as("%s: %s passes its tests %s but answers otherwise than %s on %d of 500 inputs", task.canonical(),
                            nearMiss, TestCase.encode(task.tests()), task.response(), otherwise).isLessThanOrEqualTo(5);
                }
            }
        }
        if (difficulty != Difficulty.EASY) {
            assertThat(extended).as("held-out tasks whose random tests let a near miss pass").isGreaterThan(heldOut.size() / 10);
        }
        assertThat(new CodeTaskGenerator(dataSeed, new SdgOptions(difficulty, 0)).generate(100, Split.TRAIN))
                .as("training tasks keep their random tests").allMatch(task -> task.tests().size() == CodeTaskGenerator.TESTS_PER_TASK);
    }

    private static boolean passes(Program program, TestCase test) {
        try {
            return program.run(test.inputs(), CodeTaskGenerator.STEP_LIMIT) == test.expected();
        } catch (ProgramException e) {
            return false;
        }
    }

    @Test
    void shouldMakeTheShareOfWrongTrainingTasksExactAndKeepTestTasksCorrect() {
        for (double share : new double[] {0.15, 0.5}) {
            for (int count : new int[] {3, 40, 150}) {
                List<CodeTaskGenerator.CodeTask> tasks =
                        new CodeTaskGenerator(21, new SdgOptions(Difficulty.HARD, share)).generate(count, Split.TRAIN);
                assertThat(tasks.stream().filter(CodeTaskGenerator.CodeTask::wrong).count()).as("share %s of %d", share, count)
                        .isEqualTo(Math.round(count * share));
                for (CodeTaskGenerator.CodeTask task : tasks) {
                    Prompt prompt = task.toPrompt("t");
                    assertThat(SdgMetadata.isWrong(prompt.getMetadata())).isEqualTo(task.wrong());
                    assertThat(prompt.getMetadata()).containsEntry(SdgMetadata.DIFFICULTY, "hard");
                    assertThat(TestCase.allPass(task.response(), task.tests(), CodeTaskGenerator.STEP_LIMIT)).isEqualTo(!task.wrong());
                }
            }
        }
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            List<CodeTaskGenerator.CodeTask> noisy = new CodeTaskGenerator(21, new SdgOptions(Difficulty.MEDIUM, 1)).generate(60, split);
            assertThat(noisy).as(split.name()).noneMatch(CodeTaskGenerator.CodeTask::wrong)
                    .isEqualTo(new CodeTaskGenerator(21, new SdgOptions(Difficulty.MEDIUM, 0)).generate(60, split));
        }
    }

    @Test
    void shouldCarryTheTestsAndLanguageInThePromptAndKeepItsIdStable() {
        CodeTaskGenerator.CodeTask task = new CodeTaskGenerator(3).next();
        Prompt prompt = task.toPrompt("test");

        assertThat(prompt.getDataset()).isEqualTo("code");
        assertThat(prompt.getResponse()).isEqualTo(task.response());
        assertThat(prompt.getMetadata()).containsEntry(TestCase.LANGUAGE_KEY, Program.LANGUAGE)
                .containsEntry(TestCase.METADATA_KEY, TestCase.encode(task.tests()));
        assertThat(TestCase.decode(prompt.getMetadata().get(TestCase.METADATA_KEY))).hasSize(CodeTaskGenerator.TESTS_PER_TASK);
        assertThat(new CodeTaskGenerator(3).next().toPrompt("other").getId()).isEqualTo(prompt.getId());
    }

    @Test
    void shouldSayHowManyDistinctProblemsExistWhenAskedForMore() {
        List<CodeTaskGenerator.CodeTask> all = new java.util.ArrayList<>();
        new CodeTaskGenerator(1).distinct(Split.TEST).forEachRemaining(all::add);

        assertThat(all).extracting(CodeTaskGenerator.CodeTask::canonical).doesNotHaveDuplicates();
        assertThatThrownBy(() -> new CodeTaskGenerator(1).generate(all.size() + 1, Split.TEST))
                .hasMessageContaining("only " + all.size() + " exist");
    }

    @Test
    void shouldDrawEveryEasyMediumAndHardFamilyAtBroadNoneCrowdingTheOthers() {
        Map<String, Long> byFamily = new CodeTaskGenerator(8, new SdgOptions(Difficulty.BROAD, 0)).generate(2000, Split.TRAIN).stream()
                .collect(Collectors.groupingBy(task -> task.canonical().substring(0, task.canonical().indexOf(':')), Collectors.counting()));
        List<String> families = Stream.of(Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)
                .flatMap(level -> CodeTemplates.of(level).stream()).map(CodeTemplate::name).toList();

        assertThat(families).hasSize(25).doesNotHaveDuplicates();
        assertThat(byFamily.keySet()).containsExactlyInAnyOrderElementsOf(families);
        // each family is drawn alike (80 of 2,000); those with few distinct problems (power has 4) leave theirs to the rest
        assertThat(byFamily.values()).allSatisfy(count -> assertThat(count).isLessThan(2000L / 25 * 2));
    }

    /** The seed-like distillation bench needs 500 test problems and 5 x 2,000 teacher training problems above easy. */
    @ParameterizedTest
    @EnumSource(value = Difficulty.class, names = {"MEDIUM", "HARD", "EXPERT", "BROAD"})
    void shouldHaveEnoughDistinctProblemsForTheSeedLikeBench(Difficulty difficulty) {
        assertThat(countUpTo(new CodeTaskGenerator(1, new SdgOptions(difficulty, 0)).distinct(Split.TEST), 1000)).isEqualTo(1000);
        assertThat(countUpTo(new CodeTaskGenerator(1, new SdgOptions(difficulty, 0)).distinct(Split.TRAIN), 10_000)).isEqualTo(10_000);
    }

    private static int countUpTo(java.util.Iterator<?> iterator, int atMost) {
        int count = 0;
        for (; count < atMost && iterator.hasNext(); iterator.next()) {
            count++;
        }
        return count;
    }

    @Test
    void shouldWriteJsonlThatTheProducerReadsBackToTheSamePrompt() throws Exception {
        Prompt generated = new CodeTaskGenerator(5).next().toPrompt("kdstream-generate-code-seed-5");
        JsonlPromptParser parser = new JsonlPromptParser("sdg", "file.jsonl", 4000, FieldMapping.defaults(),
                new PromptText(CharacterPolicy.REJECT, new CharTokenizer()));

        Prompt read = parser.parse(PromptJsonl.line(generated));

        assertThat(read.getId()).isEqualTo(generated.getId());
        assertThat(read.getSplit()).isEqualTo(generated.getSplit());
        assertThat(read.getMetadata()).isEqualTo(generated.getMetadata());
        assertThat(read.getSource()).isEqualTo(generated.getSource());
    }
}
