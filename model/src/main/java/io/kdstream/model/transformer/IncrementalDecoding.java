package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.Arrays;

/**
 * Decodes a batch of prompts a token at a time with a key/value cache: the prompts go through the network once, and
 * each later step runs only the new token of each row, attending to the cached keys and values of the positions
 * before it. Rows keep their own positions: a row's prompt fills the first {@code P_i} of the {@code P} prompt slots
 * (the rest are masked for it), and the tokens appended after the prompts take one slot a step for every row.
 *
 * <p>Gives the logits a full forward pass over each row's whole sequence gives at its last position, up to float
 * rounding of the differently shaped kernels. Close it to free the cache.
 */
public final class IncrementalDecoding implements AutoCloseable {

    private final DecoderLanguageModel model;
    private final DecoderNetwork network;
    private final int[] promptLengths;
    private final int promptSlots;
    private final KeyValueCache cache;
    private int appended;
    private float[] nextLogits;

    IncrementalDecoding(DecoderLanguageModel model, DecoderNetwork network, int[][] prompts) {
        this.model = model;
        this.network = network;
        this.promptLengths = Arrays.stream(prompts).mapToInt(prompt -> prompt.length).toArray();
        this.promptSlots = Arrays.stream(promptLengths).max().orElseThrow(() -> new IllegalArgumentException("no prompts to decode"));
        int rows = prompts.length;
        int[] padded = new int[rows * promptSlots];
        int[] last = new int[rows];
        for (int row = 0; row < rows; row++) {
            if (promptLengths[row] < 1 || promptLengths[row] > model.config().contextLength()) {
                throw new IllegalArgumentException("prompt " + row + " has " + promptLengths[row] + " tokens; decoding needs 1 to "
                        + model.config().contextLength());
            }
            System.arraycopy(prompts[row], 0, padded, row * promptSlots, promptLengths[row]);
            last[row] = promptLengths[row] - 1;
        }
        this.cache = new KeyValueCache(model.manager(), model.config().layers());
        try (NDManager step = model.manager().newSubManager()) {
            NDArray tokens = step.create(padded, new Shape(rows, promptSlots));
            NDArray positions = step.arange(0, promptSlots).toType(DataType.INT64, false).reshape(1, promptSlots);
            // causal over the prompt slots: a row's padding comes after its real positions, so none of them sees it
            float[] mask = new float[promptSlots * promptSlots];
            for (int query = 0; query < promptSlots; query++) {
                Arrays.fill(mask, query * promptSlots + query + 1, (query + 1) * promptSlots, CausalSelfAttention.MASKED);
            }
            nextLogits = run(step, tokens, positions, step.create(mask, new Shape(1, 1, promptSlots, promptSlots)), last);
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    /** Each row's logits for its next token, row-major (rows, V). */
    public float[] nextLogits() {
        return nextLogits;
    }

    /**
     * Appends one token to every row, at the position after the row's last, and computes the logits of the token
     * after it. A row that has stopped may take any token (its position is held at the context's last): its
     * logits mean nothing from then on.
     */
    public void append(int[] tokens) {
        int rows = promptLengths.length;
        if (tokens.length != rows) {
            throw new IllegalArgumentException("one token a row: " + rows + " rows, got " + tokens.length);
        }
        int slots = promptSlots + appended + 1;
        long[] positions = new long[rows];
        float[] mask = new float[rows * slots];
        for (int row = 0; row < rows; row++) {
            positions[row] = Math.min(promptLengths[row] + appended, model.config().contextLength() - 1);
            Arrays.fill(mask, row * slots + promptLengths[row], row * slots + promptSlots, CausalSelfAttention.MASKED);
        }
        try (NDManager step = model.manager().newSubManager()) {
            nextLogits = run(step, step.create(tokens, new Shape(rows, 1)), step.create(positions, new Shape(rows, 1)),
                    step.create(mask, new Shape(rows, 1, 1, slots)), new int[rows]);
        }
        appended++;
    }

    /** The network over the new positions; the logits at position {@code read[row]} of each row's new ones. */
    private float[] run(NDManager step, NDArray tokens, NDArray positions, NDArray mask, int[] read) {
        int width = model.config().modelWidth();
        long[] index = new long[read.length * width];
        for (int row = 0; row < read.length; row++) {
            Arrays.fill(index, row * width, (row + 1) * width, read[row]);
        }
        NDArray readIndex = step.create(index, new Shape(read.length, 1, width));
        return network.forwardCached(new ParameterStore(step, false), tokens, positions, mask, cache, readIndex)
                .toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Override
    public void close() {
        cache.close();
    }
}
