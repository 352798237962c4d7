package io.kdstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

    @Test
    void shouldRoundTripThroughProperties() {
        TransformerConfig config = TransformerConfig.teacher(100);
        Properties properties = config.toProperties();
        assertThat(properties.getProperty("model.layers")).isEqualTo("4");
        assertThat(TransformerConfig.fromProperties(properties)).isEqualTo(config);
    }

    @Test
    void shouldMakeTeacherLargerThanStudent() {
        TransformerConfig teacher = TransformerConfig.teacher(100);
        TransformerConfig student = TransformerConfig.student(100);
        assertThat(teacher.modelWidth()).isGreaterThan(student.modelWidth());
        assertThat(teacher.layers()).isGreaterThan(student.layers());
        assertThat(teacher.contextLength()).isEqualTo(student.contextLength());
    }

    @Test
    void shouldRejectInvalidShapes() {
        assertThatThrownBy(() -> new TransformerConfig(100, 16, 30, 4, 1, 8).validate())
                .hasMessageContaining("divisible by heads");
        assertThatThrownBy(() -> new TransformerConfig(0, 16, 32, 4, 1, 8).validate())
                .hasMessageContaining("vocabularySize must be positive");
    }

    @Test
    void shouldNameMissingOrBadProperty() {
        Properties properties = TransformerConfig.student(100).toProperties();
        properties.remove("model.heads");
        assertThatThrownBy(() -> TransformerConfig.fromProperties(properties)).hasMessageContaining("model.heads");
        properties.setProperty("model.heads", "four");
        assertThatThrownBy(() -> TransformerConfig.fromProperties(properties)).hasMessageContaining("'four'");
    }
}
