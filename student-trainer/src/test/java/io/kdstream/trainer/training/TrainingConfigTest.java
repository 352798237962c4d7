package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        assertThat(TrainingConfig.defaults()).isEqualTo(new TrainingConfig(1.0, 0.4, LossVariant.RENORMALISED,
                KlDirection.FORWARD, 1.0, 1.0, 8, 3e-3, 20, LearningRateSchedule.COSINE, 3e-3 / 10, 300, 1.0, 16, 42L));
        assertThat(TrainingConfig.defaults().minLearningRate()).isCloseTo(3e-4, within(1e-18));
    }

    @Test
    void shouldRoundTripThroughMap() {
        TrainingConfig config = TrainingConfig.defaults().toBuilder().trainingTopK(4).weights(0.5, 0.4).build();
        Map<String, String> map = config.toMap();
        assertThat(map).containsEntry("trainingTopK", "4").containsEntry("lossVariant", "renormalised")
                .containsEntry("klDirection", "forward");
        assertThat(TrainingConfig.fromMap(map)).isEqualTo(config);
        TrainingConfig tail = config.toBuilder().loss(LossVariant.TAIL, KlDirection.REVERSE).temperatures(1, 2.5).build();
        assertThat(tail.toMap()).containsEntry("lossVariant", "tail").containsEntry("klDirection", "reverse")
                .containsEntry("studentTemperature", "2.5");
        assertThat(TrainingConfig.fromMap(tail.toMap())).isEqualTo(tail);
        assertThat(tail.loss().variant()).isEqualTo(LossVariant.TAIL);
        assertThat(tail.loss().direction()).isEqualTo(KlDirection.REVERSE);
        TrainingConfig constant = config.toBuilder().schedule(LearningRateSchedule.CONSTANT, 1e-4, 0).build();
        assertThat(constant.toMap()).containsEntry("lrSchedule", "constant")
                .containsEntry("minLearningRate", "1.0E-4").containsEntry("decaySteps", "0");
        assertThat(TrainingConfig.fromMap(constant.toMap())).isEqualTo(constant);
    }

    @Test
    void shouldReadMapsWrittenBeforeTheScheduleAsTheConstantRateTheyTrainedWith() {
        Map<String, String> old = new HashMap<>(TrainingConfig.defaults().toBuilder().learningRate(2e-3, 10).build().toMap());
        old.remove("lrSchedule");
        old.remove("minLearningRate");
        old.remove("decaySteps");
        TrainingConfig read = TrainingConfig.fromMap(old);
        assertThat(read.schedule()).isEqualTo(LearningRateSchedule.CONSTANT);
        assertThat(read.minLearningRate()).isEqualTo(TrainingConfig.defaultMinLearningRate(2e-3));
        assertThat(read.decaySteps()).isZero();
        assertThat(read.learningRateAt(9)).isEqualTo(2e-3);
        assertThat(read.learningRateAt(100_000)).isEqualTo(2e-3);
    }

    @Test
    void shouldTakeLambdaAsConvexWeights() {
        TrainingConfig convex = TrainingConfig.defaults().toBuilder().lambda(0.25).build();
        assertThat(convex.kdWeight()).isEqualTo(0.25);
        assertThat(convex.sftWeight()).isEqualTo(0.75);
        assertThat(TrainingConfig.defaults().toBuilder().lambda(1).build().sftWeight()).isZero();
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().lambda(1.5).build()).hasMessageContaining("lambda must be in [0, 1]");
    }

    @Test
    void shouldRefuseTailAtATeacherTemperatureOtherThanOne() {
        TrainingConfig tail = TrainingConfig.defaults().toBuilder().loss(LossVariant.TAIL, KlDirection.FORWARD).build();
        assertThatThrownBy(() -> tail.toBuilder().temperatures(2, 1).build()).hasMessageContaining("teacher temperature at 1");
        assertThat(tail.toBuilder().temperatures(1, 2).build().studentTemperature()).isEqualTo(2);
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().temperatures(2, 1).loss(LossVariant.TAIL,
                KlDirection.FORWARD).build()).hasMessageContaining("cached log-sum-exp");
    }

    @Test
    void shouldRefuseSampledInReverseKlOrAtATeacherTemperatureOtherThanOne() {
        TrainingConfig sampled = TrainingConfig.defaults().toBuilder().loss(LossVariant.SAMPLED, KlDirection.FORWARD).build();
        assertThat(TrainingConfig.fromMap(sampled.toMap())).isEqualTo(sampled);
        assertThat(sampled.loss().variant()).isEqualTo(LossVariant.SAMPLED);
        assertThatThrownBy(() -> sampled.toBuilder().temperatures(2, 1).build()).hasMessageContaining("the sampled loss needs the teacher temperature at 1");
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().loss(LossVariant.SAMPLED, KlDirection.REVERSE).build())
                .hasMessageContaining("forward KL only");
    }

    @Test
    void shouldNameMissingOrInvalidSettings() {
        Map<String, String> map = new HashMap<>(TrainingConfig.defaults().toMap());
        map.remove("seed");
        assertThatThrownBy(() -> TrainingConfig.fromMap(map)).hasMessageContaining("missing seed");
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().weights(0, 0).build())
                .hasMessageContaining("nothing to train");
        assertThatThrownBy(() -> new TrainingConfig(1, 1, 0, 0, 1e-3, 0, 1, 1, 1))
                .hasMessageContaining("teacherTemperature").hasMessageContaining("studentTemperature")
                .hasMessageContaining("trainingTopK");
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().schedule(LearningRateSchedule.COSINE, 1e-2, -1).build())
                .hasMessageContaining("minLearningRate must be in [0, learningRate = 0.003], got 0.01")
                .hasMessageContaining("decaySteps must be >= 0, got -1");
        assertThatThrownBy(() -> TrainingConfig.defaults().toBuilder().schedule(null, 0, 10).build())
                .hasMessageContaining("schedule is required");
        Map<String, String> unknown = new HashMap<>(TrainingConfig.defaults().toMap());
        unknown.put("lrSchedule", "linear");
        assertThatThrownBy(() -> TrainingConfig.fromMap(unknown))
                .hasMessageContaining("unknown learning-rate schedule 'linear'")
                .hasMessageContaining("[constant, cosine]");
    }

    @Test
    void shouldWarmUpLinearlyThenStayConstant() {
        TrainingConfig config = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 4)
                .schedule(LearningRateSchedule.CONSTANT, 1e-3, 10).build();
        assertThat(config.learningRateAt(0)).isCloseTo(2.5e-3, within(1e-12));
        assertThat(config.learningRateAt(3)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.learningRateAt(100)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.toBuilder().learningRate(1e-2, 0).build().learningRateAt(0)).isCloseTo(1e-2, within(1e-12));
    }

    @Test
    void shouldWarmUpThenDecayAlongACosineToTheMinimumAndStayThere() {
        // peak 1e-2 after 4 warm-up steps, half a cosine over steps 4..14, 1e-3 from step 14 on
        TrainingConfig config = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 4)
                .schedule(LearningRateSchedule.COSINE, 1e-3, 14).build();
        assertThat(config.learningRateAt(0)).isCloseTo(2.5e-3, within(1e-12));
        assertThat(config.learningRateAt(3)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.learningRateAt(4)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.learningRateAt(9)).isCloseTo(5.5e-3, within(1e-12)); // half-way: the mean of peak and min
        assertThat(config.learningRateAt(12)).isCloseTo(1e-3 + 9e-3 * 0.5 * (1 + Math.cos(0.8 * Math.PI)),
                within(1e-12));
        assertThat(config.learningRateAt(14)).isEqualTo(1e-3);
        assertThat(config.learningRateAt(1_000)).isEqualTo(1e-3);
        for (long step = 4; step < 14; step++) {
            assertThat(config.learningRateAt(step + 1)).as("step %d", step).isLessThan(config.learningRateAt(step));
        }
    }

    @Test
    void shouldDropToTheMinimumAfterTheWarmUpWhenTheDecayEndsWithinIt() {
        TrainingConfig config = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 4)
                .schedule(LearningRateSchedule.COSINE, 1e-3, 2).build();
        assertThat(config.learningRateAt(3)).isCloseTo(1e-2, within(1e-12));
        assertThat(config.learningRateAt(4)).isEqualTo(1e-3);
    }

    @Test
    void theSampledVariantTrainsOnEveryStoredDrawWhateverItsTopK() {
        TrainingConfig sampled = TrainingConfig.defaults().toBuilder().loss(LossVariant.SAMPLED, KlDirection.FORWARD).build();
        TrainingConfig renormalised = TrainingConfig.defaults();
        List<TrainingExample> twelveEntries = TrainingBatches.withRandomTeacher(TrainingBatches.patternExamples(), 12, 3L);

        // the default top-K is 8: cutting a position's 12 draws to 8 would bias RS-KD's estimate
        assertThat(PaddedBatch.of(twelveEntries, sampled.teacherEntryLimit(), 96, 100, true).teacher().k()).isEqualTo(12);
        assertThat(PaddedBatch.of(twelveEntries, renormalised.teacherEntryLimit(), 96, 100, false).teacher().k()).isEqualTo(8);
        assertThat(sampled.minimumStoredEntries()).as("records with fewer draws than top-K are still usable").isEqualTo(1);
        assertThat(renormalised.minimumStoredEntries()).isEqualTo(8);
    }
}
