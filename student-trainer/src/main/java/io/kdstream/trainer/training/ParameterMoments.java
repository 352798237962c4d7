package io.kdstream.trainer.training;

import ai.djl.ndarray.types.Shape;

/**
 * Adam's state for one parameter, as Java arrays: what a checkpoint holds.
 *
 * @param name the parameter's name in the model's block (stable across processes, unlike DJL's parameter ids)
 * @param updates Adam updates of this parameter so far (they set the bias correction of the next one)
 * @param shape the parameter's shape, which both moments share
 * @param mean first moment estimate, row-major
 * @param variance second moment estimate, row-major
 */
record ParameterMoments(String name, int updates, Shape shape, float[] mean, float[] variance) {
}
