package io.kdstream.model.transformer;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.kdstream.model.djl.DjlEngine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A decoder-only transformer language model on DJL's PyTorch engine (CPU). It owns its DJL {@link Model} and with it
 * every parameter; {@link #close()} frees them.
 *
 * <p>Arrays produced by {@link #logits} belong to the caller's {@code scope} manager: open a sub-manager per batch or
 * step and close it, or memory grows.
 */
public final class DecoderLanguageModel implements AutoCloseable {

    /** The engine every kdstream model runs on; named explicitly so another engine on the classpath is not picked. */
    public static final String ENGINE = DjlEngine.NAME;

    /** The random seed is engine-global: serialise seeded initialisations so two threads cannot interleave them. */
    private static final Object SEED_LOCK = new Object();

    private final TransformerConfig config;
    private final Model model;
    private final DecoderNetwork network;

    private DecoderLanguageModel(TransformerConfig config, Model model, DecoderNetwork network) {
        this.config = config;
        this.model = model;
        this.network = network;
    }

    /** A freshly initialised model; the same config and seed give bit-identical parameters. */
    public static DecoderLanguageModel create(TransformerConfig config, long seed) {
        return create(config, seed, Device.cpu());
    }

    /** As {@link #create(TransformerConfig, long)}, on the given device (see {@link Devices}). */
    public static DecoderLanguageModel create(TransformerConfig config, long seed, Device device) {
        config.validate();
        Engine engine = DjlEngine.get();
        DecoderNetwork network = new DecoderNetwork(config);
        Model model = engine.newModel("kdstream-decoder", device);
        try {
            model.setBlock(network);
            synchronized (SEED_LOCK) {
                engine.setRandomSeed(Long.hashCode(seed));
                network.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, config.contextLength()));
            }
            return new DecoderLanguageModel(config, model, network);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Next-token logits.
     *
     * @param scope the manager that owns the result and every intermediate array (close it after use)
     * @param tokens token ids (B,T), int32 or int64, with 1 <= T <= contextLength
     * @param training whether this forward pass is part of a training step (gradients are recorded only inside a
     *     {@code GradientCollector})
     * @return logits (B,T,V) float32; position t scores the token at t + 1
     */
    public NDArray logits(NDManager scope, NDArray tokens, boolean training) {
        Shape shape = tokens.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("tokens must be (batch, time), got shape " + shape);
        }
        long time = shape.get(1);
        if (time < 1 || time > config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + time + " is outside [1, " + config.contextLength()
                    + "]: the model's context length is " + config.contextLength() + " tokens");
        }
        DataType type = tokens.getDataType();
        if (type != DataType.INT32 && type != DataType.INT64) {
            throw new IllegalArgumentException("tokens must be int32 or int64, got " + type);
        }
        NDArray input = tokens.getManager() == scope ? tokens : scopedCopy(scope, tokens);
        ParameterStore parameterStore = new ParameterStore(scope, false);
        return network.forward(parameterStore, new NDList(input), training).singletonOrThrow();
    }

    /**
     * Starts decoding {@code prompts} (token ids, any lengths up to the context) a token at a time with a key/value
     * cache: each later step costs one position a row, not the whole sequence. Close the result.
     */
    public IncrementalDecoding startDecoding(int[][] prompts) {
        return new IncrementalDecoding(this, network, prompts);
    }

    /** The model's shape. */
    public TransformerConfig config() {
        return config;
    }

    /** The network as a DJL block (for trainers and parameter access). */
    public Block block() {
        return network;
    }

    /** The DJL model that owns the parameters. */
    public Model djlModel() {
        return model;
    }

    /** The manager that owns the parameters; per-step managers should be its sub-managers. */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** Total number of scalar parameters. */
    public long parameterCount() {
        long count = 0;
        for (Pair<String, Parameter> parameter : network.getParameters()) {
            count += parameter.getValue().getArray().size();
        }
        return count;
    }

    /** Writes the parameters in DJL's block format (the payload of a checkpoint file). */
    public void saveParameters(DataOutputStream out) throws IOException {
        network.saveParameters(out);
    }

    /**
     * Replaces the parameters with ones read from {@link #saveParameters} output of a model of the same config.
     * The previous parameter arrays are freed, and the new ones record gradients again so training can go on.
     */
    public void loadParameters(DataInputStream in) throws IOException, MalformedModelException {
        List<NDArray> previous = new ArrayList<>();
        for (Pair<String, Parameter> parameter : network.getParameters()) {
            previous.add(parameter.getValue().getArray());
        }
        network.loadParameters(model.getNDManager(), in);
        for (Pair<String, Parameter> parameter : network.getParameters()) {
            Parameter value = parameter.getValue();
            if (value.requiresGradient()) {
                value.getArray().setRequiresGradient(true);
            }
        }
        previous.forEach(NDArray::close);
    }

    @Override
    public void close() {
        model.close();
    }

    private static NDArray scopedCopy(NDManager scope, NDArray tokens) {
        // An input owned elsewhere is duplicated into the scope so that the op results, which follow the first
        // operand's manager, are freed with the scope.
        NDArray copy = tokens.duplicate();
        copy.attach(scope);
        return copy;
    }
}
