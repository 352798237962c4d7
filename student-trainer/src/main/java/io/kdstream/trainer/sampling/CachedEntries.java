package io.kdstream.trainer.sampling;

/** What the sampler sees of the cache: entries numbered in arrival order, some no longer live, each with a length. */
public interface CachedEntries {

    /** Entries so far; the numbers run from 0 to size - 1 and only ever grow. */
    int size();

    /** False for an entry superseded by a newer one of its prompt, or deleted. */
    boolean isLive(int entry);

    /** Live entries. */
    int liveCount();

    /** The entry's token count. */
    int tokens(int entry);
}
