package io.kdstream.producers.generate;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.producers.ingest.CharacterPolicy;
import io.kdstream.producers.ingest.FieldMapping;
import io.kdstream.producers.ingest.JsonlPromptParser;
import io.kdstream.producers.ingest.PromptText;
import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MathProblemGeneratorTest {

    @Test
    void shouldBeDeterministicFromTheSeed() {
        assertThat(new MathProblemGenerator(7).generate(50, Split.TRAIN))
                .isEqualTo(new MathProblemGenerator(7).generate(50, Split.TRAIN))
                .isNotEqualTo(new MathProblemGenerator(8).generate(50, Split.TRAIN));
        SdgOptions noisy = new SdgOptions(Difficulty.HARD, 0.3);
        assertThat(new MathProblemGenerator(7, noisy).generate(50, Split.TRAIN))
                .isEqualTo(new MathProblemGenerator(7, noisy).generate(50, Split.TRAIN));
    }

    @Test
    void shouldNeverShareAProblemBetweenSplitsWhateverTheSeed() {
        Set<String> train = new HashSet<>();
        Set<String> test = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            new MathProblemGenerator(seed).generate(800, Split.TRAIN).forEach(p -> train.add(p.canonical()));
            new MathProblemGenerator(seed + 100).generate(200, Split.TEST).forEach(p -> test.add(p.canonical()));
        }
        assertThat(test).hasSizeGreaterThan(200);
        assertThat(train).doesNotContainAnyElementsOf(test);
    }

    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldWriteACorrectWorkedSolutionThatFitsTheContextAtEveryDifficulty(Difficulty difficulty) {
        List<MathProblemGenerator.MathProblem> problems =
                new MathProblemGenerator(3, new SdgOptions(difficulty, 0)).generate(300, Split.TRAIN);
        for (MathProblemGenerator.MathProblem problem : problems) {
            String[] parts = problem.canonical().split("(?=[+-])|(?<=[+-])");
            assertThat(parts[0]).hasSize(difficulty.mathDigits());
            assertThat(parts[2]).hasSize(difficulty.mathDigits());
            long a = Long.parseLong(parts[0]);
            long b = Long.parseLong(parts[2]);
            long expected = parts[1].equals("+") ? a + b : a - b;
            assertThat(problem.answer()).isEqualTo(Long.toString(expected));
            assertThat(FinalAnswer.extract(problem.response())).isEqualTo(problem.answer());
            assertThat(problem.prompt()).contains(problem.canonical());
            assertThat(problem.wrong()).isFalse();
            assertThat(WorkedSolutions.slippedColumns(problem.canonical(), problem.response())).isZero();
            assertThat(problem.prompt().length() + problem.response().length()).as(problem.canonical())
                    .isLessThanOrEqualTo(CodeTemplates.MAX_EXAMPLE_CHARS);
            assertThat(problem.toPrompt("t").getMetadata().get(SdgMetadata.DIFFICULTY))
                    .isEqualTo(difficulty == Difficulty.EASY ? null : difficulty.configName());
        }
    }

    @ParameterizedTest
    @EnumSource(Difficulty.class)
    void shouldSlipOneColumnByOneAndCarryItConsistentlyToAWrongFinalAnswer(Difficulty difficulty) {
        List<MathProblemGenerator.MathProblem> clean = new MathProblemGenerator(5, new SdgOptions(difficulty, 0)).generate(300, Split.TRAIN);
        List<MathProblemGenerator.MathProblem> noisy = new MathProblemGenerator(5, new SdgOptions(difficulty, 1)).generate(300, Split.TRAIN);

        assertThat(noisy).extracting(MathProblemGenerator.MathProblem::canonical)
                .as("the same problems, only their responses differ")
                .containsExactlyElementsOf(clean.stream().map(MathProblemGenerator.MathProblem::canonical).toList());
        Set<Integer> slippedDigitPlaces = new HashSet<>();
        for (MathProblemGenerator.MathProblem problem : noisy) {
            assertThat(problem.wrong()).isTrue();
            assertThat(WorkedSolutions.slippedColumns(problem.canonical(), problem.response())).as(problem.response()).isEqualTo(1);
            String given = FinalAnswer.extract(problem.response());
            assertThat(given).as(problem.response()).isNotEqualTo(problem.answer());
            long off = Math.abs(Long.parseLong(given) - Long.parseLong(problem.answer()));
            slippedDigitPlaces.add(Long.toString(off).length());
            Prompt prompt = problem.toPrompt("t");
            assertThat(SdgMetadata.isWrong(prompt.getMetadata())).isTrue();
            assertThat(prompt.getExpectedAnswer()).as("the expected answer stays the correct one").isEqualTo(problem.answer());
            assertThat(problem.prompt().length() + problem.response().length()).as(problem.response())
                    .isLessThanOrEqualTo(CodeTemplates.MAX_EXAMPLE_CHARS);
        }
        assertThat(slippedDigitPlaces).as("slips fall in every column").hasSize(difficulty.mathDigits());
    }

    @Test
    void shouldMakeTheShareOfWrongTrainingExamplesExactToWithinRounding() {
        for (double share : new double[] {0, 0.1, 0.25, 0.5, 0.7, 1}) {
            for (int count : new int[] {1, 7, 40, 333}) {
                List<MathProblemGenerator.MathProblem> problems =
                        new MathProblemGenerator(11, new SdgOptions(Difficulty.MEDIUM, share)).generate(count, Split.TRAIN);
                long wrong = problems.stream().filter(MathProblemGenerator.MathProblem::wrong).count();
                assertThat(wrong).as("share %s of %d", share, count).isEqualTo(Math.round(count * share));
                assertThat(problems.stream().filter(p -> p.wrong() != SdgMetadata.isWrong(p.toPrompt("t").getMetadata()))).isEmpty();
            }
        }
    }

    @Test
    void shouldKeepValidationAndTestExamplesCorrectWhateverTheShare() {
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            List<MathProblemGenerator.MathProblem> noisy = new MathProblemGenerator(2, new SdgOptions(Difficulty.EASY, 1)).generate(200, split);
            assertThat(noisy).as(split.name()).noneMatch(MathProblemGenerator.MathProblem::wrong)
                    .isEqualTo(new MathProblemGenerator(2).generate(200, split));
            assertThat(noisy).allMatch(p -> FinalAnswer.matches(p.response(), p.answer()));
        }
    }

    @Test
    void shouldCarryTheWrongMarkThroughJsonlToTheProducer() throws Exception {
        MathProblemGenerator.MathProblem problem = new MathProblemGenerator(4, new SdgOptions(Difficulty.HARD, 1)).generate(1, Split.TRAIN).get(0);
        Prompt generated = problem.toPrompt("kdstream-generate-math-seed-4-hard-wrong-1.0");
        JsonlPromptParser parser = new JsonlPromptParser("sdg", "file.jsonl", 4000, FieldMapping.defaults(),
                new PromptText(CharacterPolicy.REJECT, new CharTokenizer()));

        Prompt read = parser.parse(PromptJsonl.line(generated));

        assertThat(read.getMetadata()).containsEntry(SdgMetadata.WRONG, "true").containsEntry(SdgMetadata.DIFFICULTY, "hard");
        assertThat(read.getId()).isEqualTo(generated.getId());
    }

    @Test
    void shouldRefuseAWrongShareOutsideZeroToOne() {
        for (double share : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> new SdgOptions(Difficulty.EASY, share)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("wrong share must be in [0, 1]");
        }
    }
}
