package io.kdstream.trainer.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.kdstream.model.djl.Scalars;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.trainer.loss.DistillationLoss;
import io.kdstream.trainer.loss.LossTerms;
import io.kdstream.trainer.loss.PositionShares;
import io.kdstream.trainer.loss.TeacherTopK;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a student model one batch at a time: pad, forward, {@link DistillationLoss}, backward, clip by global norm,
 * Adam update.
 *
 * <p>Examples with teacher logits contribute both terms; examples without contribute CE only (SFT). Each step's
 * arrays live in a sub-manager that is closed at the end of the step, so memory does not grow with the step count.
 *
 * <p>To resume a run exactly, save the model ({@code CheckpointFile}) and this optimiser's state ({@link #writeState})
 * together; later, build a new optimiser over the loaded model and {@link #readState}: its next steps then match
 * those of the uninterrupted run.
 *
 * <p>The model stays the caller's: closing the optimizer closes its DJL trainer and Adam's state, not the model, so the
 * caller can checkpoint and close it. Not thread-safe, and DJL's PyTorch engine allows one gradient collector per JVM
 * at a time, so only one optimizer can be inside {@link #step} at any moment.
 */
public final class StudentOptimizer implements AutoCloseable {

    private final DecoderLanguageModel model;
    private final TrainingConfig config;
    private final DistillationLoss loss;
    private final CheckpointableAdam adam;
    private final Trainer trainer;
    private final StagingBuffer staging = new StagingBuffer();
    private long completedSteps;
    private double lastGradientNorm = Double.NaN;

    /** A fresh optimiser at step 0; {@link #readState} makes it go on from a saved one. */
    public StudentOptimizer(DecoderLanguageModel model, TrainingConfig config) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.loss = config.loss();

        // The schedule follows the step count rather than Adam's per-parameter update counters, which are the same
        // number kept once per parameter; both are part of the saved state.
        Tracker schedule = updates -> (float) config.learningRateAt(completedSteps);
        this.adam = new CheckpointableAdam(model.manager(), schedule);
        // DJL's TrainingConfig needs a Loss; the real loss is computed here, so this one is never called.
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(Loss.l2Loss("unused"))
                .optOptimizer(adam)
                .optDevices(new Device[] {model.manager().getDevice()});
        this.trainer = model.djlModel().newTrainer(trainingConfig);
        // Registers every parameter with the trainer (so step() updates them) and makes them record gradients;
        // parameters that already have values keep them.
        trainer.initialize(new Shape(1, model.config().contextLength()));
    }

    /** One optimiser step on {@code batch}; returns the loss before the update and timing. */
    public StepMetrics step(List<TrainingExample> batch) {
        long start = System.nanoTime();
        LossValues values = computeGradients(batch);
        lastGradientNorm = clipGradients();
        trainer.step();
        completedSteps++;
        return new StepMetrics(completedSteps, values.total(), values.kd(), values.ce(), values.tokens(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Steps completed so far (including those before a resume). */
    public long completedSteps() {
        return completedSteps;
    }

    /** The learning rate the next step will use. */
    public double nextLearningRate() {
        return config.learningRateAt(completedSteps);
    }

    /**
     * Writes everything besides the model's weights that later steps depend on: the step count (which the
     * learning-rate schedule follows) and Adam's update counts and moment estimates of every trainable parameter, by
     * name. {@code out} is neither flushed nor closed.
     */
    public void writeState(DataOutputStream out) throws IOException {
        List<ParameterMoments> parameters = new ArrayList<>();
        for (Pair<String, Parameter> parameter : trainableParameters()) {
            parameters.add(adam.saved(parameter.getKey(), parameter.getValue()));
        }
        OptimizerStateCodec.write(new OptimizerState(completedSteps, parameters), out);
    }

    /**
     * Replaces this optimiser's state with one {@link #writeState} wrote, for a model with the same weights as the
     * one it was saved with (e.g. loaded from the checkpoint saved beside it). All or nothing: on failure this
     * optimiser is unchanged.
     *
     * @throws IOException naming what is wrong: not an optimizer state, truncated, corrupt, or saved for a model whose
     *     parameters differ (the first parameter whose name or shape differs)
     */
    public void readState(DataInputStream in) throws IOException {
        List<Pair<String, Parameter>> trainable = trainableParameters();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : trainable) {
            shapes.put(parameter.getKey(), parameter.getValue().getArray().getShape());
        }
        OptimizerState state = OptimizerStateCodec.read(in, shapes);
        for (int i = 0; i < trainable.size(); i++) {
            adam.restore(trainable.get(i).getValue(), state.parameters().get(i));
        }
        completedSteps = state.completedSteps();
    }

    /** Global L2 norm of the gradients of the last step, before clipping (NaN before the first step). */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    public DecoderLanguageModel model() {
        return model;
    }

    public TrainingConfig config() {
        return config;
    }

    /** Closes the DJL trainer and frees Adam's state; the model stays open. */
    @Override
    public void close() {
        trainer.close();
        adam.close();
    }

    /** Loss values of one forward pass, as Java numbers. */
    record LossValues(double total, double kd, double ce, long tokens) {
    }

    /** Forward and backward on {@code batch}: leaves the gradients on the parameters (Adam's update zeroes them). */
    LossValues computeGradients(List<TrainingExample> batch) {
        try (ForwardPass pass = forward(batch)) {
            return pass.backward();
        }
    }

    /**
     * The forward half of {@link #computeGradients}: the loss of {@code batch}, with its arrays and the gradient
     * collector kept open until the pass is closed, so that {@link ForwardPass#backward} can follow.
     */
    ForwardPass forward(List<TrainingExample> batch) {
        PaddedBatch padded = PaddedBatch.of(batch, config.teacherEntryLimit(), model.config().contextLength(),
                model.config().vocabularySize(), config.lossVariant().usesLogSumExp());
        if (padded.maskedTokens() == 0) {
            throw new IllegalArgumentException("the batch of " + batch.size()
                    + " examples has no loss-masked position: nothing to train on");
        }
        staging.restart(); // the previous step's tensors were closed with its scope
        NDManager scope = model.manager().newSubManager();
        GradientCollector collector = null;
        try {
            collector = trainer.newGradientCollector();
            return new ForwardPass(scope, collector, lossOf(scope, padded));
        } catch (RuntimeException e) {
            closeStep(collector, scope);
            throw e;
        }
    }

    /** The batch's loss, computed with arrays owned by {@code scope}; refuses a non-finite one. */
    private BatchLoss lossOf(NDManager scope, PaddedBatch padded) {
        Shape rowsByPositions = new Shape(padded.rows(), padded.positions());
        NDArray inputs = staging.ints(scope, padded.inputs(), rowsByPositions);
        NDArray targets = staging.ints(scope, padded.targets(), rowsByPositions);
        NDArray lossMask = staging.floats(scope, padded.lossMask(), rowsByPositions);
        TeacherTopK teacher = teacherTensors(scope, padded.teacher());
        NDArray logits = model.logits(scope, inputs, true);
        LossTerms terms = loss.compute(logits, targets, lossMask, teacher);
        double total = terms.total().getFloat();
        double kd = terms.kd().getFloat();
        double ce = terms.ce().getFloat();
        if (!Double.isFinite(total)) {
            // refuse before backward, so no gradient of this batch reaches the parameters
            throw new IllegalStateException("non-finite loss at step " + (completedSteps + 1) + ": total=" + total
                    + ", kd=" + kd + ", ce=" + ce);
        }
        return new BatchLoss(terms.total(), new LossValues(total, kd, ce, padded.maskedTokens()));
    }

    private record BatchLoss(NDArray total, LossValues values) {
    }

    /** A batch's loss whose backward has not run yet; closing it frees the step's arrays and the gradient collector. */
    static final class ForwardPass implements AutoCloseable {
        private final NDManager scope;
        private final GradientCollector collector;
        private final BatchLoss loss;

        private ForwardPass(NDManager scope, GradientCollector collector, BatchLoss loss) {
            this.scope = scope;
            this.collector = collector;
            this.loss = loss;
        }

        /** Backward from the total loss: leaves the gradients on the parameters; returns the loss values. */
        LossValues backward() {
            collector.backward(loss.total());
            return loss.values();
        }

        @Override
        public void close() {
            closeStep(collector, scope);
        }
    }

    /** Ends a step: the gradient collector first, then the arrays its backward read. */
    private static void closeStep(GradientCollector collector, NDManager scope) {
        try {
            if (collector != null) {
                collector.close();
            }
        } finally {
            scope.close();
        }
    }

    /** The teacher's positions as tensors owned by {@code scope}; null when the batch has none. */
    private TeacherTopK teacherTensors(NDManager scope, PaddedBatch.TeacherPositions teacher) {
        if (teacher == null) {
            return null;
        }
        Shape positions = new Shape(teacher.count());
        Shape entries = positions.add(teacher.k());
        return new TeacherTopK(staging.longs(scope, teacher.logitIndex(), entries), staging.floats(scope, teacher.values(), entries),
                teacher.logSumExp() == null ? null : staging.floats(scope, teacher.logSumExp(), positions),
                PositionShares.of(teacher.weights(), shares -> staging.floats(scope, shares, positions.add(1))));
    }

    /** Scales all gradients so their global L2 norm is at most the configured maximum; returns the norm before. */
    double clipGradients() {
        try (NDManager scope = model.manager().newSubManager()) {
            List<NDArray> gradients = gradients(scope);
            double norm = globalNorm(gradients);
            double maximum = config.gradientClipNorm();
            if (maximum > 0 && norm > maximum) {
                NDArray factor = Scalars.scalar(scope, maximum / (norm + 1e-6), DataType.FLOAT32);
                for (NDArray gradient : gradients) {
                    gradient.muli(factor); // in place: the handle shares the parameter's gradient storage
                }
            }
            return norm;
        }
    }

    /** The current global L2 norm of the parameters' gradients. */
    double gradientNorm() {
        try (NDManager scope = model.manager().newSubManager()) {
            return globalNorm(gradients(scope));
        }
    }

    /** New handles to every trainable parameter's gradient, owned (and closed) by {@code scope}. */
    private List<NDArray> gradients(NDManager scope) {
        List<NDArray> gradients = new ArrayList<>();
        for (Pair<String, Parameter> parameter : trainableParameters()) {
            NDArray gradient = parameter.getValue().getArray().getGradient();
            gradient.attach(scope);
            gradients.add(gradient);
        }
        return gradients;
    }

    /** The parameters Adam updates, by name, in the block's (fixed) order. */
    private List<Pair<String, Parameter>> trainableParameters() {
        return model.block().getParameters().stream()
                .filter(parameter -> parameter.getValue().requiresGradient())
                .toList();
    }

    private static double globalNorm(List<NDArray> gradients) {
        NDList squares = new NDList(gradients.size());
        for (NDArray gradient : gradients) {
            squares.add(gradient.mul(gradient).sum().toType(DataType.FLOAT64, false));
        }
        return Math.sqrt(NDArrays.stack(squares).sum().getDouble());
    }
}
