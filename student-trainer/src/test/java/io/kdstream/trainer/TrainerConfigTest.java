package io.kdstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.ConfigException;
import io.kdstream.platform.config.Settings;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import io.kdstream.trainer.training.TrainingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

    private static TrainingConfig training(Map<String, String> values) {
        return TrainerConfig.from(Settings.of(values)).training();
    }

    @Test
    void shouldResumeTheSameRunWhenStartedAgainWithoutARunId() {
        TrainerConfig first = TrainerConfig.from(Settings.of(Map.of()));
        TrainerConfig again = TrainerConfig.from(Settings.of(Map.of()));
        assertThat(again.runId()).isEqualTo(first.runId()).isEqualTo(TrainerConfig.DEFAULT_RUN_ID);
        assertThat(again.checkpointDir()).isEqualTo(first.checkpointDir());
    }

    @Test
    void shouldBuildTheStudentTheSettingsDescribeOrThePresetByDefault() {
        assertThat(TrainerConfig.from(Settings.of(Map.of())).student().architecture(99)).isEqualTo(TransformerConfig.student(99));

        TrainerConfig.StudentShape shape = TrainerConfig.from(Settings.of(Map.of("kdstream.trainer.student.layers", "3",
                "kdstream.trainer.student.width", "96", "kdstream.trainer.student.heads", "6",
                "kdstream.trainer.student.feed.forward.width", "384"))).student();
        assertThat(shape.architecture(99)).isEqualTo(new TransformerConfig(99, TransformerConfig.student(99).contextLength(), 96, 6, 3, 384));

        assertThatThrownBy(() -> TrainerConfig.from(Settings.of(Map.of("kdstream.trainer.student.width", "50"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("modelWidth 50 must be divisible by heads 4");
    }

    @Test
    void shouldDefaultToNemosRenormalisedForwardKl() {
        assertThat(training(Map.of("kdstream.trainer.run.id", "r"))).isEqualTo(TrainingConfig.defaults());
    }

    @Test
    void shouldReadTheLossVariantDirectionAndTemperatures() {
        TrainingConfig tail = training(Map.of(
                "kdstream.trainer.loss.variant", "tail",
                "kdstream.trainer.kl.direction", "Reverse",
                "kdstream.trainer.student.temperature", "2",
                "kdstream.trainer.topk", "16"));
        assertThat(tail.lossVariant()).isEqualTo(LossVariant.TAIL);
        assertThat(tail.klDirection()).isEqualTo(KlDirection.REVERSE);
        assertThat(tail.teacherTemperature()).isEqualTo(1);
        assertThat(tail.studentTemperature()).isEqualTo(2);
        assertThat(tail.trainingTopK()).isEqualTo(16);

        TrainingConfig both = training(Map.of("kdstream.trainer.temperature", "1.5",
                "kdstream.trainer.teacher.temperature", "3"));
        assertThat(both.teacherTemperature()).isEqualTo(3);
        assertThat(both.studentTemperature()).isEqualTo(1.5);
    }

    @Test
    void shouldTakeLambdaAsBothWeightsButNotBesideThem() {
        TrainingConfig convex = training(Map.of("kdstream.trainer.lambda", "0.3"));
        assertThat(convex.kdWeight()).isEqualTo(0.3);
        assertThat(convex.sftWeight()).isEqualTo(0.7);
        assertThatThrownBy(() -> training(Map.of("kdstream.trainer.lambda", "0.3", "kdstream.trainer.kd.weight", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> training(Map.of("kdstream.trainer.lambda", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lambda must be in [0, 1]");
    }

    @Test
    void shouldNameTheSettingThatIsWrong() {
        assertThatThrownBy(() -> training(Map.of("kdstream.trainer.loss.variant", "ghost")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kdstream.trainer.loss.variant").hasMessageContaining("[renormalised, tail, sampled]");
        assertThatThrownBy(() -> training(Map.of("kdstream.trainer.kl.direction", "sideways")))
                .hasMessageContaining("kdstream.trainer.kl.direction");
        assertThatThrownBy(() -> training(Map.of("kdstream.trainer.loss.variant", "tail",
                "kdstream.trainer.temperature", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("teacher temperature at 1");
    }
}
