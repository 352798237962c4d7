package io.kdstream.trainer.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws batches of cache entries. Each pass (epoch) reads the cache in entry order into a shuffle buffer and draws
 * from the buffer at random, so reads stay sequential while order is mixed; entries appended during a pass join it
 * when the reading reaches them. Besides, a configurable share of each batch goes to entries that arrived after
 * training began and have not been drawn that way yet, oldest first, so new teacher output is trained on at once
 * rather than when the pass comes round to it.
 *
 * <p>Deterministic: the same cache contents and the same {@link SamplerState} give the same batches, which is what
 * lets a resumed run continue exactly like an uninterrupted one.
 */
public final class BatchSampler {

    private final CachedEntries entries;
    private final SamplingConfig config;
    private final SplitMix64 random;
    private int epoch;
    private int cursor;
    private int freshCursor;
    private int carried;
    private int[] buffer;
    private int buffered;

    private BatchSampler(CachedEntries entries, SamplingConfig config, SamplerState state) {
        this.entries = entries;
        this.config = config;
        this.random = new SplitMix64(state.random());
        this.epoch = state.epoch();
        this.cursor = state.cursor();
        this.freshCursor = state.freshCursor();
        this.carried = state.carried();
        this.buffer = Arrays.copyOf(state.buffer(), Math.max(config.shuffleBuffer(), state.buffer().length));
        this.buffered = state.buffer().length;
    }

    /** A sampler at the start of training: the entries already cached are the first pass, later ones are fresh. */
    public static BatchSampler start(CachedEntries entries, SamplingConfig config, long seed) {
        return new BatchSampler(entries, config, new SamplerState(seed, 0, 0, entries.size(), new int[0], -1));
    }

    /** A sampler that goes on from a checkpoint's state; the cache must still hold the entries it refers to. */
    public static BatchSampler resume(CachedEntries entries, SamplingConfig config, SamplerState state) {
        if (entries.size() < state.entriesNeeded()) {
            throw new IllegalArgumentException("the sampler state refers to entry " + (state.entriesNeeded() - 1)
                    + " but the cache holds " + entries.size() + " entries");
        }
        return new BatchSampler(entries, config, state);
    }

    public SamplerState state() {
        return new SamplerState(random.state(), epoch, cursor, freshCursor, Arrays.copyOf(buffer, buffered), carried);
    }

    /** Passes over the cache completed. */
    public int epoch() {
        return epoch;
    }

    /** True once the configured number of epochs is done. */
    public boolean finished() {
        return config.epochs() > 0 && epoch >= config.epochs();
    }

    /** The next batch's entry numbers; fewer at the end of the last epoch, none once it is over or nothing is live. */
    public List<Integer> nextBatch() {
        List<Integer> batch = new ArrayList<>();
        long tokens = 0;
        while (!finished()) {
            int entry = carried >= 0 ? carried : draw();
            carried = -1;
            if (entry < 0) {
                break;
            }
            int length = entries.tokens(entry);
            if (config.batchTokens() > 0 && !batch.isEmpty() && tokens + length > config.batchTokens()) {
                carried = entry; // it starts the next batch
                break;
            }
            batch.add(entry);
            tokens += length;
            if (config.batchTokens() > 0 ? tokens >= config.batchTokens() : batch.size() >= config.batchSequences()) {
                break;
            }
        }
        return batch;
    }

    private int draw() {
        if (config.freshShare() > 0 && hasFresh() && random.nextDouble() < config.freshShare()) {
            return freshCursor++;
        }
        return fromBuffer();
    }

    private boolean hasFresh() {
        while (freshCursor < entries.size() && !entries.isLive(freshCursor)) {
            freshCursor++;
        }
        return freshCursor < entries.size();
    }

    private int fromBuffer() {
        while (true) {
            refill();
            while (buffered > 0) {
                int slot = random.nextInt(buffered);
                int entry = buffer[slot];
                buffer[slot] = buffer[--buffered];
                if (entries.isLive(entry)) { // it may have been superseded while it waited
                    return entry;
                }
                refill();
            }
            if (entries.liveCount() == 0) {
                return -1;
            }
            epoch++; // the pass is over
            cursor = 0;
            if (finished()) {
                return -1;
            }
        }
    }

    private void refill() {
        while (buffered < buffer.length && cursor < entries.size()) {
            if (entries.isLive(cursor)) {
                buffer[buffered++] = cursor;
            }
            cursor++;
        }
    }
}
