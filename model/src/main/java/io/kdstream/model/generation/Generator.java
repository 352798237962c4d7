package io.kdstream.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.IncrementalDecoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batched generation, greedy or sampled ({@link Sampling}), each row stopping at its own end token.
 *
 * <p>By default with a key/value cache ({@link IncrementalDecoding}): the prompts run through the network once, then
 * each step runs one new position a row. Without it ({@code useCache} false, as {@code use_cache=False} in Hugging
 * Face's {@code generate}), each step recomputes the full forward pass over the still-running rows, right-padded to the
 * longest, and reads each row's logits at its own last real position: the reference the cache is checked and timed
 * against. The causal mask makes padding after a row's end invisible to its real positions, so greedy results do not
 * depend on how prompts are batched (up to float rounding of the batched kernels). Greedy ties between logits go to the
 * lowest token id.
 */
public final class Generator {

    private final DecoderLanguageModel model;
    private final int eosId;
    private final int padId;
    private final boolean useCache;

    /** A generator that stops at {@link CharTokenizer#EOS} and pads with {@link CharTokenizer#PAD}. */
    public Generator(DecoderLanguageModel model) {
        this(model, CharTokenizer.EOS, CharTokenizer.PAD);
    }

    public Generator(DecoderLanguageModel model, int eosId, int padId) {
        this(model, eosId, padId, true);
    }

    /** @param useCache whether to decode with a key/value cache (the default) or recompute every step in full */
    public Generator(DecoderLanguageModel model, int eosId, int padId, boolean useCache) {
        this.model = model;
        this.eosId = eosId;
        this.padId = padId;
        this.useCache = useCache;
    }

    /**
     * Generates greedily from each prompt until EOS, {@code maxNewTokens} new tokens, or the context limit.
     *
     * @param prompts token ids of each prompt (e.g. {@link CharTokenizer#encodePrompt}), any lengths, not padded
     * @return one {@link Generation} per prompt, in order
     */
    public List<Generation> generate(int[][] prompts, int maxNewTokens) {
        int vocabulary = model.config().vocabularySize();
        return generate(prompts, maxNewTokens, (logits, offset, row) -> TokenChoice.greedy(logits, offset, vocabulary));
    }

    /** Like {@link #generate(int[][], int)}, drawing each next token as {@code sampling} says. */
    public List<Generation> generate(int[][] prompts, int maxNewTokens, Sampling sampling) {
        int vocabulary = model.config().vocabularySize();
        SplittableRandom seeds = new SplittableRandom(sampling.seed());
        SplittableRandom[] streams = new SplittableRandom[prompts.length];
        for (int row = 0; row < prompts.length; row++) {
            streams[row] = seeds.split();
        }
        return generate(prompts, maxNewTokens,
                (logits, offset, row) -> TokenChoice.sample(logits, offset, vocabulary, sampling, streams[row]));
    }

    /** Picks the next token of prompt {@code row} from its logits at {@code logits[offset .. offset + V)}. */
    private interface Chooser {
        int next(float[] logits, int offset, int row);
    }

    private List<Generation> generate(int[][] prompts, int maxNewTokens, Chooser chooser) {
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
        try (IncrementalDecoding decoding = useCache && !active.isEmpty() ? model.startDecoding(prompts) : null) {
            while (!active.isEmpty()) {
                // the cache's logits hold every row, the recomputed ones the running rows only
                float[] logits = decoding != null ? decoding.nextLogits() : lastLogits(sequences, lengths, active);
                int[] appended = new int[rows];
                Arrays.fill(appended, padId);
                for (int i = 0; i < active.size(); i++) {
                    int row = active.get(i);
                    int next = chooser.next(logits, (decoding != null ? row : i) * vocabulary, row);
                    if (next == eosId) {
                        reasons[row] = StopReason.EOS;
                        continue;
                    }
                    sequences[row][lengths[row]++] = next;
                    appended[row] = next;
                    generated[row]++;
                    reasons[row] = stopBeforeStep(lengths[row], generated[row], maxNewTokens, context);
                }
                active = running(reasons);
                if (decoding != null && !active.isEmpty()) {
                    decoding.append(appended);
                }
            }
        }

        List<Generation> result = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            int start = prompts[row].length;
            result.add(new Generation(Arrays.copyOfRange(sequences[row], start, start + generated[row]), reasons[row]));
        }
        return result;
    }

    /** One forward pass over the active rows; returns each row's logits at its last real position, (rows, V). */
    private float[] lastLogits(int[][] sequences, int[] lengths, List<Integer> active) {
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
        int vocabulary = model.config().vocabularySize();
        long[] lastPosition = new long[batch * vocabulary];
        for (int i = 0; i < batch; i++) {
            Arrays.fill(lastPosition, i * vocabulary, (i + 1) * vocabulary, lengths[active.get(i)] - 1);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(padded, new Shape(batch, width));
            NDArray logits = model.logits(scope, tokens, false);
            NDArray index = scope.create(lastPosition, new Shape(batch, 1, vocabulary));
            return logits.gather(index, 1).toType(DataType.FLOAT32, false).toFloatArray();
        }
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
