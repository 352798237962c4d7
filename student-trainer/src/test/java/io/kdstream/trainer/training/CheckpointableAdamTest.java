package io.kdstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CheckpointableAdamTest {

    private static final List<Shape> SHAPES = List.of(new Shape(3, 4), new Shape(5), new Shape(2, 3, 2));

    @Test
    void shouldUpdateParametersExactlyAsDjlsAdamDoes() {
        TrainingConfig config = TrainingConfig.defaults().toBuilder().learningRate(1e-2, 2)
                .schedule(LearningRateSchedule.COSINE, 1e-3, 6).build();
        // Adam's trackers see the update count, 1 for the first update
        Tracker schedule = updates -> (float) config.learningRateAt(updates - 1);
        Random random = new Random(7);
        try (NDManager manager = NDManager.newBaseManager();
             CheckpointableAdam ours = new CheckpointableAdam(manager, schedule)) {
            Optimizer djl = Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(0f).build();
            NDArray[] oursWeights = new NDArray[SHAPES.size()];
            NDArray[] djlWeights = new NDArray[SHAPES.size()];
            float[][] initial = new float[SHAPES.size()][];
            for (int p = 0; p < SHAPES.size(); p++) {
                initial[p] = gaussian(random, SHAPES.get(p));
                oursWeights[p] = trainable(manager, initial[p], SHAPES.get(p));
                djlWeights[p] = trainable(manager, initial[p], SHAPES.get(p));
            }
            for (int update = 0; update < 8; update++) { // warm-up, cosine and minimum
                for (int p = 0; p < SHAPES.size(); p++) {
                    NDArray gradient = manager.create(gaussian(random, SHAPES.get(p)), SHAPES.get(p));
                    ours.update("p" + p, oursWeights[p], gradient);
                    djl.update("p" + p, djlWeights[p], gradient);
                }
            }
            for (int p = 0; p < SHAPES.size(); p++) {
                float[] expected = djlWeights[p].toFloatArray();
                assertThat(oursWeights[p].toFloatArray()).as("parameter %d", p).containsExactly(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(expected[i]).as("parameter %d[%d] moved", p, i).isNotEqualTo(initial[p][i]);
                }
            }
        }
    }

    private static NDArray trainable(NDManager manager, float[] values, Shape shape) {
        NDArray weight = manager.create(values, shape);
        weight.setRequiresGradient(true); // as a model's parameters are: Adam zeroes their gradient
        return weight;
    }

    private static float[] gaussian(Random random, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
