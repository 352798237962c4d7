package io.kdstream.trainer.sampling;

/**
 * How batches are drawn from the cache.
 *
 * @param shuffleBuffer entries held in the shuffle buffer; the cache is read in order into it and each draw takes a
 *     random one, so order is mixed within a window of this many entries
 * @param freshShare expected share of each batch drawn from entries that arrived after training began and were not
 *     drawn yet, oldest first; the rest comes through the shuffle buffer (0 = no preference for fresh entries)
 * @param epochs passes over the cache before the run ends; 0 = no limit (the step count ends the run)
 * @param batchSequences sequences a batch, when {@code batchTokens} is 0
 * @param batchTokens tokens a batch (sequences are added while they fit; at least one); 0 = count sequences instead
 */
public record SamplingConfig(int shuffleBuffer, double freshShare, int epochs, int batchSequences, int batchTokens) {

    public SamplingConfig {
        if (shuffleBuffer < 1) {
            throw new IllegalArgumentException("the shuffle buffer must hold at least 1 entry, got " + shuffleBuffer);
        }
        if (!(freshShare >= 0 && freshShare <= 1)) {
            throw new IllegalArgumentException("the fresh share must be within [0, 1], got " + freshShare);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0 (0 = no limit), got " + epochs);
        }
        if (batchTokens < 0 || (batchTokens == 0 && batchSequences < 1)) {
            throw new IllegalArgumentException("a batch needs a positive size: " + batchSequences + " sequences, "
                    + batchTokens + " tokens");
        }
    }
}
