package io.kdstream.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy batched generation.
 *
 * <p>Each step recomputes the full forward pass over the still-running rows, right-padded to the longest, and reads
 * each row's prediction at its own last real position. The causal mask makes padding after a row's end invisible to
 * its real positions, so results do not depend on how prompts are batched (up to float rounding of the batched
 * kernels). No KV cache: the sequences here are at most a few hundred tokens, and the simple loop is easy to trust.
 * Ties between logits go to the lowest token id ({@code argMax} returns the first maximum).
 */
public final class Generator {

    private final DecoderLanguageModel model;
    private final int eosId;
    private final int padId;

    /** A generator that stops at {@link CharTokenizer#EOS} and pads with {@link CharTokenizer#PAD}. */
    public Generator(DecoderLanguageModel model) {
        this(model, CharTokenizer.EOS, CharTokenizer.PAD);
    }

    public Generator(DecoderLanguageModel model, int eosId, int padId) {
        this.model = model;
        this.eosId = eosId;
        this.padId = padId;
    }

    /**
     * Generates greedily from each prompt until EOS, {@code maxNewTokens} new tokens, or the context limit.
     *
     * @param prompts token ids of each prompt (e.g. {@link CharTokenizer#encodePrompt}), any lengths, not padded
     * @return one {@link Generation} per prompt, in order
     */
    public List<Generation> generate(int[][] prompts, int maxNewTokens) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        int context = model.config().contextLength();
        int vocabulary = model.config().vocabularySize();
        int rows = prompts.length;
        int[][] sequences = new int[rows][];
        int[] lengths = new int[rows];
        int[] generated = new int[rows];
        StopReason[] reasons = new StopReason[rows];
        for (int row = 0; row < rows; row++) {
            validatePrompt(prompts[row], row, context, vocabulary);
            sequences[row] = Arrays.copyOf(prompts[row], context);
            lengths[row] = prompts[row].length;
            reasons[row] = stopBeforeStep(lengths[row], 0, maxNewTokens, context);
        }

        List<Integer> active = running(reasons);
        while (!active.isEmpty()) {
            int[] next = nextTokens(sequences, lengths, active);
            for (int i = 0; i < active.size(); i++) {
                int row = active.get(i);
                if (next[i] == eosId) {
                    reasons[row] = StopReason.EOS;
                    continue;
                }
                sequences[row][lengths[row]++] = next[i];
                generated[row]++;
                reasons[row] = stopBeforeStep(lengths[row], generated[row], maxNewTokens, context);
            }
            active = running(reasons);
        }

        List<Generation> result = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            int start = prompts[row].length;
            result.add(new Generation(Arrays.copyOfRange(sequences[row], start, start + generated[row]), reasons[row]));
        }
        return result;
    }

    /** One forward pass over the active rows; returns each row's greedy next token. */
    private int[] nextTokens(int[][] sequences, int[] lengths, List<Integer> active) {
        int batch = active.size();
        int width = 0;
        for (int row : active) {
            width = Math.max(width, lengths[row]);
        }
        int[] padded = new int[batch * width];
        Arrays.fill(padded, padId);
        for (int i = 0; i < batch; i++) {
            int row = active.get(i);
            System.arraycopy(sequences[row], 0, padded, i * width, lengths[row]);
        }
        long[] best;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(padded, new Shape(batch, width));
            NDArray logits = model.logits(scope, tokens, false);
            best = logits.argMax(-1).toType(DataType.INT64, false).toLongArray(); // (batch, width)
        }
        int[] next = new int[batch];
        for (int i = 0; i < batch; i++) {
            next[i] = Math.toIntExact(best[i * width + lengths[active.get(i)] - 1]);
        }
        return next;
    }

    /** Null while the row may take another step, else why it may not. */
    private static StopReason stopBeforeStep(int length, int generated, int maxNewTokens, int context) {
        if (generated >= maxNewTokens) {
            return StopReason.MAX_NEW_TOKENS;
        }
        if (length >= context) {
            return StopReason.CONTEXT_LIMIT;
        }
        return null;
    }

    private static List<Integer> running(StopReason[] reasons) {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < reasons.length; row++) {
            if (reasons[row] == null) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static void validatePrompt(int[] prompt, int row, int context, int vocabulary) {
        if (prompt == null || prompt.length == 0) {
            throw new IllegalArgumentException("prompt " + row + " is empty: generation needs at least one token");
        }
        if (prompt.length > context) {
            throw new IllegalArgumentException("prompt " + row + " has " + prompt.length
                    + " tokens, more than the model's context length " + context);
        }
        for (int p = 0; p < prompt.length; p++) {
            if (prompt[p] < 0 || prompt[p] >= vocabulary) {
                throw new IllegalArgumentException("prompt " + row + " has token id " + prompt[p] + " at position " + p
                        + ", outside the vocabulary [0, " + vocabulary + ")");
            }
        }
    }
}
