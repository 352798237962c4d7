package io.kdstream.producers.generate;

import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Split;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MathProblemGeneratorTest {

    @Test
    void shouldBeDeterministicFromTheSeed() {
        assertThat(new MathProblemGenerator(7).generate(50, Split.TRAIN))
                .isEqualTo(new MathProblemGenerator(7).generate(50, Split.TRAIN))
                .isNotEqualTo(new MathProblemGenerator(8).generate(50, Split.TRAIN));
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

    @Test
    void shouldWriteAWorkedSolutionEndingInTheCorrectAnswer() {
        List<MathProblemGenerator.MathProblem> problems = new MathProblemGenerator(3).generate(300, Split.TRAIN);
        for (MathProblemGenerator.MathProblem problem : problems) {
            String[] parts = problem.canonical().split("(?=[+-])|(?<=[+-])");
            int a = Integer.parseInt(parts[0]);
            int b = Integer.parseInt(parts[2]);
            int expected = parts[1].equals("+") ? a + b : a - b;
            assertThat(problem.answer()).isEqualTo(Integer.toString(expected));
            assertThat(FinalAnswer.extract(problem.response())).isEqualTo(problem.answer());
            assertThat(problem.prompt()).contains(problem.canonical());
        }
    }
}
