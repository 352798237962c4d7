package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
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
        assertThat(map).containsEntry("trainingTopK", "4").containsEntry("lossVariant", "renormalised")
                .containsEntry("klDirection", "forward");
        assertThat(TrainingConfig.fromMap(map)).isEqualTo(config);
        TrainingConfig tail = config.withLoss(LossVariant.TAIL, KlDirection.REVERSE).withTemperatures(1, 2.5);
        assertThat(tail.toMap()).containsEntry("lossVariant", "tail").containsEntry("klDirection", "reverse")
                .containsEntry("studentTemperature", "2.5");
        assertThat(TrainingConfig.fromMap(tail.toMap())).isEqualTo(tail);
        assertThat(tail.loss().variant()).isEqualTo(LossVariant.TAIL);
        assertThat(tail.loss().direction()).isEqualTo(KlDirection.REVERSE);
    }

    @Test
    void shouldTakeLambdaAsConvexWeights() {
        TrainingConfig convex = TrainingConfig.defaults().withLambda(0.25);
        assertThat(convex.kdWeight()).isEqualTo(0.25);
        assertThat(convex.sftWeight()).isEqualTo(0.75);
        assertThat(TrainingConfig.defaults().withLambda(1).sftWeight()).isZero();
        assertThatThrownBy(() -> TrainingConfig.defaults().withLambda(1.5)).hasMessageContaining("lambda must be in [0, 1]");
    }

    @Test
    void shouldRefuseTailAtATeacherTemperatureOtherThanOne() {
        TrainingConfig tail = TrainingConfig.defaults().withLoss(LossVariant.TAIL, KlDirection.FORWARD);
        assertThatThrownBy(() -> tail.withTemperatures(2, 1)).hasMessageContaining("teacher temperature at 1");
        assertThat(tail.withTemperatures(1, 2).studentTemperature()).isEqualTo(2);
        assertThatThrownBy(() -> TrainingConfig.defaults().withTemperatures(2, 1).withLoss(LossVariant.TAIL,
                KlDirection.FORWARD)).hasMessageContaining("cached log-sum-exp");
    }

    @Test
    void shouldNameMissingOrInvalidSettings() {
        Map<String, String> map = new HashMap<>(TrainingConfig.defaults().toMap());
        map.remove("seed");
        assertThatThrownBy(() -> TrainingConfig.fromMap(map)).hasMessageContaining("missing seed");
        assertThatThrownBy(() -> TrainingConfig.defaults().withKdWeight(0).withSftWeight(0))
                .hasMessageContaining("nothing to train");
        assertThatThrownBy(() -> new TrainingConfig(1, 1, 0, 0, 1e-3, 0, 1, 1, 1))
                .hasMessageContaining("teacherTemperature").hasMessageContaining("studentTemperature")
                .hasMessageContaining("trainingTopK");
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
