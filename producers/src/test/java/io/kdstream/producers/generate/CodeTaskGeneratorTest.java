package io.kdstream.producers.generate;

import io.kdstream.producers.ingest.CharacterPolicy;
import io.kdstream.producers.ingest.FieldMapping;
import io.kdstream.producers.ingest.JsonlPromptParser;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.TestCase;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeTaskGeneratorTest {

    /** BOS, SEP and EOS take three of the default models' 96 positions; keep a little room. */
    private static final int MAX_EXAMPLE_CHARS = 90;

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

    @Test
    void shouldGiveEveryTemplatesReferenceProgramTheOutputsOfItsIndependentOracle() {
        SplittableRandom random = new SplittableRandom(11);
        for (CodeTemplate template : CodeTemplates.ALL) {
            for (int i = 0; i < 40; i++) {
                CodeTaskGenerator.CodeTask task = CodeTaskGenerator.task(template, template.parameters().draw(random));
                assertThat(TestCase.allPass(task.response(), task.tests(), 10_000))
                        .as("%s: %s against %s", task.canonical(), task.response(), TestCase.encode(task.tests())).isTrue();
                assertThat(task.tests().stream().map(TestCase::expected).distinct().count())
                        .as("%s: outputs differ, so no constant program passes", task.canonical()).isGreaterThan(1);
                assertThat(task.prompt().length() + task.response().length()).as(task.canonical()).isLessThanOrEqualTo(MAX_EXAMPLE_CHARS);
            }
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
    void shouldWriteJsonlThatTheProducerReadsBackToTheSamePrompt() throws Exception {
        Prompt generated = new CodeTaskGenerator(5).next().toPrompt("kdstream-generate-code-seed-5");
        JsonlPromptParser parser = new JsonlPromptParser("sdg", "file.jsonl", 4000, FieldMapping.defaults(), CharacterPolicy.REJECT);

        Prompt read = parser.parse(PromptJsonl.line(generated));

        assertThat(read.getId()).isEqualTo(generated.getId());
        assertThat(read.getSplit()).isEqualTo(generated.getSplit());
        assertThat(read.getMetadata()).isEqualTo(generated.getMetadata());
        assertThat(read.getSource()).isEqualTo(generated.getSource());
    }
}
