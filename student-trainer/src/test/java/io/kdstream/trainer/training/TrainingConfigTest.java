package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        assertThat(TrainingConfig.defaults())
                .isEqualTo(new TrainingConfig(1.0, 0.4, 1.0, 8, 3e-3, 20, 1.0, 16, 42L));
    }

    @Test
    void shouldRoundTripThroughMap() {
        TrainingConfig config = TrainingConfig.defaults().withTrainingTopK(4).withKdWeight(0.5);
        Map<String, String> map = config.toMap();
        assertThat(map).containsEntry("trainingTopK", "4").containsEntry("lossVariant", "renormalised");
        assertThat(TrainingConfig.fromMap(map)).isEqualTo(config);
    }

    @Test
    void shouldNameMissingOrInvalidSettings() {
        Map<String, String> map = new HashMap<>(TrainingConfig.defaults().toMap());
        map.remove("seed");
        assertThatThrownBy(() -> TrainingConfig.fromMap(map)).hasMessageContaining("missing seed");
        assertThatThrownBy(() -> TrainingConfig.defaults().withKdWeight(0).withSftWeight(0))
                .hasMessageContaining("nothing to train");
        assertThatThrownBy(() -> new TrainingConfig(1, 1, 0, 0, 1e-3, 0, 1, 1, 1))
                .hasMessageContaining("kdTemperature").hasMessageContaining("trainingTopK");
    }

    @Test
    void shouldWarmUpLinearlyThenStayConstant() {
        TrainingConfig config = TrainingConfig.defaults().withLearningRate(1e-2, 4);
        assertThat(config.learningRateAt(0)).isCloseTo(2.5e-3, within(1e-12));
        assertThat(config.learningRateAt(3)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.learningRateAt(100)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.withLearningRate(1e-2, 0).learningRateAt(0)).isCloseTo(1e-2, within(1e-12));
    }
}
