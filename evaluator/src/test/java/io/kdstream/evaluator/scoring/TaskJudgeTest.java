package io.kdstream.evaluator.scoring;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.TestCase;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskJudgeTest {

    private static final TaskJudge JUDGE = new TaskJudge(1_000);

    private static Prompt prompt(String expectedAnswer, Map<String, String> metadata) {
        return Prompt.newBuilder().setId("p1").setDataset("d").setSplit(Split.TEST).setPrompt("q").setResponse("r")
                .setExpectedAnswer(expectedAnswer).setSource("test").setMetadata(metadata).setCreatedAt(Instant.now()).build();
    }

    @Test
    void shouldPassAProgramOnlyWhenItPassesEveryTestCaseWithinTheStepLimit() {
        Prompt task = prompt(null, Map.of(TestCase.METADATA_KEY, "x=3->6;x=10->20"));

        assertThat(TaskJudge.isCodeTask(task)).isTrue();
        assertThat(JUDGE.solves(task, "return x*2")).isTrue();
        assertThat(JUDGE.solves(task, "return x+3")).isFalse();
        assertThat(JUDGE.solves(task, "s=0;while 1{s=s+1}return s")).as("an endless loop stops at the step limit").isFalse();
        assertThat(JUDGE.solves(task, "return x*2 #### 6")).as("not a program").isFalse();
    }

    @Test
    void shouldJudgeOtherTasksByTheirFinalAnswer() {
        Prompt math = prompt("7", Map.of());

        assertThat(JUDGE.solves(math, "3+4=7. #### 7")).isTrue();
        assertThat(JUDGE.solves(math, "3+4=8. #### 8")).isFalse();
        assertThat(TaskJudge.isScorable(prompt(null, Map.of()))).isFalse();
    }

    @Test
    void shouldTakeAProblemsFamilyFromItsMetadataElseFromTheGeneratorsTemplateName() {
        assertThat(TaskJudge.family(prompt(null, Map.of(TaskJudge.FAMILY_KEY, "geometry", TaskJudge.PROBLEM_KEY, "affine:3,2")))).contains("geometry");
        assertThat(TaskJudge.family(prompt(null, Map.of(TaskJudge.PROBLEM_KEY, "affine:3,2")))).contains("affine");
        assertThat(TaskJudge.family(prompt("7", Map.of(TaskJudge.PROBLEM_KEY, "3+4")))).as("no template: no family").isEmpty();
        assertThat(TaskJudge.family(prompt("7", Map.of()))).isEmpty();
    }

    @Test
    void shouldNameThePromptWhoseTestCasesAreUnreadable() {
        assertThatThrownBy(() -> JUDGE.solves(prompt(null, Map.of(TestCase.METADATA_KEY, "x=1")), "return 1"))
                .hasMessageContaining("prompt p1").hasMessageContaining("metadata 'tests'");
    }
}
