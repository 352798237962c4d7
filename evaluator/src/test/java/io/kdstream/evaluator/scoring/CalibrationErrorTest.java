package io.kdstream.evaluator.scoring;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibrationErrorTest {

    @Test
    void shouldWeighEachBinsGapByItsPredictions() {
        CalibrationError error = new CalibrationError();
        // bin [0.9, 0.967): 4 predictions at 0.95, 2 right; bin [0.2, 0.267): 2 at 0.25, 1 right
        for (int i = 0; i < 4; i++) {
            error.add(0.95, i < 2);
        }
        error.add(0.25, true);
        error.add(0.25, false);
        double expected = 4.0 / 6 * Math.abs(0.5 - 0.95) + 2.0 / 6 * Math.abs(0.5 - 0.25);
        assertThat(error.value()).isCloseTo(expected, within(1e-12));
    }

    @Test
    void shouldBeNearZeroForACalibratedPredictorAndLargeForAnOverConfidentOne() {
        Random random = new Random(1);
        CalibrationError calibrated = new CalibrationError();
        CalibrationError overConfident = new CalibrationError();
        for (int i = 0; i < 200_000; i++) {
            double confidence = random.nextDouble();
            boolean right = random.nextDouble() < confidence;
            calibrated.add(confidence, right);
            overConfident.add(Math.min(1, confidence + 0.2), right);
        }
        assertThat(calibrated.value()).isLessThan(0.01);
        assertThat(overConfident.value()).isGreaterThan(0.15);
    }

    @Test
    void shouldBeNaNWithoutPredictionsAndRefuseAProbabilityOutsideZeroToOne() {
        assertThat(new CalibrationError().value()).isNaN();
        assertThatThrownBy(() -> new CalibrationError().add(1.5, true)).hasMessageContaining("[0, 1], got 1.5");
    }
}
