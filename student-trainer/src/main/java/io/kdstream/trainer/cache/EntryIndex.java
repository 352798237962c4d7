package io.kdstream.trainer.cache;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where each cached entry lies and whether it is live, in memory: entry i is in shard {@link #shard}(i), its payload
 * at {@link #payloadAt}(i), {@link #payloadLength}(i) bytes long. A newer entry for a prompt supersedes the older one
 * (as compaction would), and a tombstone deletes the prompt.
 */
final class EntryIndex {

    /** The most prompts {@link #reserve} makes room for: the map's table for them takes 8 MB. */
    static final int MOST_RESERVED = 1 << 20;

    private int size;
    private int[] shardOf = new int[1024];
    private long[] payloadAt = new long[1024];
    private int[] payloadLength = new int[1024];
    private int[] tokens = new int[1024];
    private final BitSet dead = new BitSet();
    /** The number of bits set in {@link #dead}, kept as they are set: the trainer asks for the live count every step. */
    private int deadCount;
    private Map<String, Integer> latestByPrompt = new HashMap<>();

    void add(CachedSequence sequence, int shard, long at, int length) {
        if (size == shardOf.length) {
            int capacity = size * 2;
            shardOf = Arrays.copyOf(shardOf, capacity);
            payloadAt = Arrays.copyOf(payloadAt, capacity);
            payloadLength = Arrays.copyOf(payloadLength, capacity);
            tokens = Arrays.copyOf(tokens, capacity);
        }
        int entry = size++;
        shardOf[entry] = shard;
        payloadAt[entry] = at;
        payloadLength[entry] = length;
        tokens[entry] = sequence.tokens();
        Integer previous = latestByPrompt.put(sequence.promptId(), entry);
        if (previous != null) {
            markDead(previous);
        }
        if (sequence.isTombstone()) {
            markDead(entry);
        }
    }

    private void markDead(int entry) {
        if (!dead.get(entry)) {
            dead.set(entry);
            deadCount++;
        }
    }

    /**
     * Makes room for {@code records} more prompts, at most {@value #MOST_RESERVED} in all: a catch-up knows how many
     * records it is about to read, and a map grown record by record rehashes all it holds again and again (about a
     * tenth of a replay's filing time).
     */
    void reserve(long records) {
        long wanted = Math.min(latestByPrompt.size() + Math.min(Math.max(records, 0), MOST_RESERVED), MOST_RESERVED);
        if (wanted > latestByPrompt.size() * 2L) {
            Map<String, Integer> larger = new HashMap<>((int) (wanted / 0.75) + 1); // HashMap's default load factor
            larger.putAll(latestByPrompt);
            latestByPrompt = larger;
        }
    }

    int size() {
        return size;
    }

    boolean isLive(int entry) {
        return entry < size && !dead.get(entry);
    }

    int liveCount() {
        return size - deadCount;
    }

    int tokens(int entry) {
        return tokens[entry];
    }

    int shard(int entry) {
        return shardOf[entry];
    }

    long payloadAt(int entry) {
        return payloadAt[entry];
    }

    int payloadLength(int entry) {
        return payloadLength[entry];
    }

    /** Each live prompt's id and entry, in prompt order. */
    Stream<Map.Entry<String, Integer>> livePromptsInOrder() {
        return latestByPrompt.entrySet().stream()
                .filter(prompt -> isLive(prompt.getValue()))
                .sorted(Map.Entry.comparingByKey());
    }
}
