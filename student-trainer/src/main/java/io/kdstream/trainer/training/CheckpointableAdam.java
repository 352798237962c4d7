package io.kdstream.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam computed exactly as DJL 0.36's {@code Optimizer.adam()} computes it (the same fused update, bias correction,
 * betas and epsilon; no weight decay), with its moment estimates and update counts where a checkpoint can read and
 * restore them. DJL's Adam keeps them private, so a run resumed with it starts again from zero moments.
 *
 * <p>State is kept by DJL parameter id (what the trainer passes to {@link #update}); the moments live in a manager of
 * their own, closed with this optimiser. Not thread-safe: one trainer updates one parameter at a time.
 */
final class CheckpointableAdam extends Optimizer implements AutoCloseable {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final Tracker learningRate;
    private final Map<String, Moments> moments = new HashMap<>();

    /** One parameter's Adam state: updates so far, first and second moment estimates. */
    record Moments(int updates, NDArray mean, NDArray variance) {
    }

    /**
     * @param parent the moments live in a sub-manager of this one (the model's, so they are on its device)
     * @param learningRate the learning rate of an update, given the parameter's update count (1 for the first)
     */
    CheckpointableAdam(NDManager parent, Tracker learningRate) {
        super(new Settings());
        this.manager = parent.newSubManager();
        this.learningRate = learningRate;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray gradient) {
        Moments previous = moments.computeIfAbsent(parameterId,
                id -> new Moments(0, zerosLike(weight), zerosLike(weight)));
        int updates = previous.updates() + 1;
        float rate = learningRate.getNewValue(updates);
        double meanCorrection = 1.0 - Math.pow(BETA1, updates);
        double varianceCorrection = 1.0 - Math.pow(BETA2, updates);
        float correctedRate = (float) (rate * Math.sqrt(varianceCorrection) / meanCorrection);
        if (!Float.isFinite(correctedRate)) {
            throw new IllegalStateException("Adam's learning rate is not finite at update " + updates + " of "
                    + parameterId + ": " + correctedRate);
        }
        // Updates weight, mean and variance in place and zeroes the weight's gradient, as DJL's Adam does.
        weight.getNDArrayInternal().adamUpdate(new NDList(weight, gradient, previous.mean(), previous.variance()),
                new NDList(weight), rate, correctedRate, 0f, rescaleGrad, clipGrad, BETA1, BETA2, EPSILON, true, false);
        moments.put(parameterId, new Moments(updates, previous.mean(), previous.variance()));
    }

    /** The state of {@code parameter} as Java arrays: zeros and 0 updates before its first update. */
    ParameterMoments saved(String name, Parameter parameter) {
        Moments state = moments.get(parameter.getId());
        NDArray weight = parameter.getArray();
        if (state == null) {
            int size = Math.toIntExact(weight.size());
            return new ParameterMoments(name, 0, weight.getShape(), new float[size], new float[size]);
        }
        return new ParameterMoments(name, state.updates(), weight.getShape(), state.mean().toFloatArray(),
                state.variance().toFloatArray());
    }

    /** Replaces the state of {@code parameter} with {@code saved}, whose shape the caller has checked. */
    void restore(Parameter parameter, ParameterMoments saved) {
        NDArray mean = manager.create(saved.mean(), saved.shape());
        NDArray variance = manager.create(saved.variance(), saved.shape());
        Moments replaced = moments.put(parameter.getId(), new Moments(saved.updates(), mean, variance));
        if (replaced != null) {
            replaced.mean().close();
            replaced.variance().close();
        }
    }

    /** Frees the moments. */
    @Override
    public void close() {
        manager.close();
    }

    private NDArray zerosLike(NDArray weight) {
        return manager.zeros(weight.getShape(), weight.getDataType());
    }

    /** DJL's optimiser defaults: gradients neither rescaled nor clipped (the student clips by global norm itself). */
    private static final class Settings extends OptimizerBuilder<Settings> {
        @Override
        protected Settings self() {
            return this;
        }
    }
}
