package io.kdstream.trainer.training;

import java.util.List;

/**
 * Everything a {@link StudentOptimizer} needs to go on exactly where it stopped, besides the model's weights.
 *
 * @param completedSteps steps taken so far; the learning-rate schedule follows this count
 * @param parameters Adam's state of every trainable parameter, in the model's parameter order
 */
record OptimizerState(long completedSteps, List<ParameterMoments> parameters) {
}
