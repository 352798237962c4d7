package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.tokenizer.TokenizedExample;
import io.kdstream.model.topk.TopKLogits;
import org.junit.jupiter.api.Test;

class TrainingExampleTest {

    private final TokenizedExample example = new CharTokenizer().encodeExample("1+1", "2"); // 7 tokens, 6 positions

    @Test
    void shouldDropTheTeachersExtraLastPosition() {
        int positions = 7; // the teacher scored every token, the last one predicting past the end
        TopKLogits teacher = new TopKLogits(positions, 2, new int[positions * 2], new float[positions * 2],
                new float[positions]);
        TrainingExample withTeacher = TrainingExample.withTeacher(example, teacher);
        assertThat(withTeacher.teacherK()).isEqualTo(2);
        assertThat(withTeacher.teacherIds()).hasSize(6 * 2);
        assertThat(withTeacher.hasTeacher()).isTrue();
        assertThat(TrainingExample.withoutTeacher(example).hasTeacher()).isFalse();
    }

    @Test
    void shouldRejectInconsistentArrays() {
        assertThatThrownBy(() -> new TrainingExample(example.tokens(), new float[7], null, null, null, 0))
                .hasMessageContaining("tokens.length - 1 = 6");
        assertThatThrownBy(() -> new TrainingExample(example.tokens(), example.lossMask(), new int[6], new float[6], null, 2))
                .hasMessageContaining("= 12 entries");
        TopKLogits tooShort = new TopKLogits(5, 1, new int[5], new float[5], new float[5]);
        assertThatThrownBy(() -> TrainingExample.withTeacher(example, tooShort))
                .hasMessageContaining("cover 5 positions");
    }
}
