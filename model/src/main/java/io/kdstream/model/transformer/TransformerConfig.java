package io.kdstream.model.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Shape of a decoder-only transformer. It is written into every checkpoint header ({@link #toProperties()}) so a
 * checkpoint can be rebuilt without knowing in advance which preset produced it.
 *
 * @param vocabularySize number of token ids the embedding and the output projection cover
 * @param contextLength the longest sequence the model accepts (learned position embeddings)
 * @param modelWidth the residual stream width (d_model)
 * @param heads attention heads; must divide {@code modelWidth}
 * @param layers transformer blocks
 * @param feedForwardWidth hidden width of each block's MLP
 */
public record TransformerConfig(int vocabularySize, int contextLength, int modelWidth, int heads, int layers,
                                int feedForwardWidth) {

    /** Property-name prefix in checkpoint headers. */
    public static final String PREFIX = "model.";

    private static final String[] KEYS = {
        "vocabularySize", "contextLength", "modelWidth", "heads", "layers", "feedForwardWidth"
    };

    /** The default teacher: 4 layers of width 128, about 0.8M parameters, fast enough on 2 CPU cores. */
    public static TransformerConfig teacher(int vocabularySize) {
        return new TransformerConfig(vocabularySize, 96, 128, 4, 4, 512).validate();
    }

    /** The default student: 2 layers of width 64, about 0.1M parameters. */
    public static TransformerConfig student(int vocabularySize) {
        return new TransformerConfig(vocabularySize, 96, 64, 4, 2, 256).validate();
    }

    /** Checks the shape is buildable; returns {@code this} so presets and readers can chain it. */
    public TransformerConfig validate() {
        List<String> problems = new ArrayList<>();
        int[] values = values();
        for (int i = 0; i < KEYS.length; i++) {
            if (values[i] <= 0) {
                problems.add(KEYS[i] + " must be positive, got " + values[i]);
            }
        }
        if (heads > 0 && modelWidth % heads != 0) {
            problems.add("modelWidth " + modelWidth + " must be divisible by heads " + heads);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid transformer config " + this + ": " + String.join("; ", problems));
        }
        return this;
    }

    /** Width of one attention head. */
    public int headWidth() {
        return modelWidth / heads;
    }

    /** The shape as {@code model.<field>} properties. */
    public Properties toProperties() {
        Properties properties = new Properties();
        int[] values = values();
        for (int i = 0; i < KEYS.length; i++) {
            properties.setProperty(PREFIX + KEYS[i], Integer.toString(values[i]));
        }
        return properties;
    }

    /** Reads the {@code model.<field>} properties written by {@link #toProperties()}; other keys are ignored. */
    public static TransformerConfig fromProperties(Properties properties) {
        int[] values = new int[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            String key = PREFIX + KEYS[i];
            String text = properties.getProperty(key);
            if (text == null) {
                throw new IllegalArgumentException("missing transformer property " + key);
            }
            try {
                values[i] = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("transformer property " + key + " is not an integer: '" + text + "'", e);
            }
        }
        return new TransformerConfig(values[0], values[1], values[2], values[3], values[4], values[5]).validate();
    }

    private int[] values() {
        return new int[] {vocabularySize, contextLength, modelWidth, heads, layers, feedForwardWidth};
    }
}
