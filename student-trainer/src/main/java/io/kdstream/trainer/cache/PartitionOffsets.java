package io.kdstream.trainer.cache;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** The next offset of the logit topic to read, per partition: where the cache's copy of the topic ends. */
final class PartitionOffsets {

    /** By partition number; -1 for a partition not read yet. An array: it moves every record. */
    private long[] next = new long[0];

    /** Records that the topic has been read up to {@code nextOffset} in {@code partition}; never moves back. */
    void advance(int partition, long nextOffset) {
        if (partition >= next.length) {
            int known = next.length;
            next = Arrays.copyOf(next, partition + 1);
            Arrays.fill(next, known, next.length, -1);
        }
        if (nextOffset > next[partition]) {
            next[partition] = nextOffset;
        }
    }

    /** Partitions not read yet are absent. */
    Map<Integer, Long> asMap() {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int partition = 0; partition < next.length; partition++) {
            if (next[partition] >= 0) {
                offsets.put(partition, next[partition]);
            }
        }
        return offsets;
    }
}
