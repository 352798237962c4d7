package io.kdstream.schemas.logits;

import java.util.Arrays;

/**
 * How often each distinct id occurs among a record's entries: an open-addressing table sized by the distinct ids,
 * not the vocabulary, so that it stays in cache (a record's few thousand ids, against a vocabulary of 150k).
 */
final class IdCounts {

    private static final int EMPTY = -1;
    private static final int INITIAL_CAPACITY = 1024;

    private int[] keys = new int[INITIAL_CAPACITY];
    private int[] values = new int[INITIAL_CAPACITY];
    private int size;

    IdCounts() {
        Arrays.fill(keys, EMPTY);
    }

    /** Adds one occurrence of a non-negative id. */
    void add(int id) {
        int slot = slot(id);
        if (keys[slot] == EMPTY) {
            keys[slot] = id;
            if (++size * 2 > keys.length) {
                grow();
            }
            slot = slot(id);
        }
        values[slot]++;
    }

    int size() {
        return size;
    }

    /** The distinct ids, ascending. */
    int[] ids() {
        int[] ids = new int[size];
        int at = 0;
        for (int key : keys) {
            if (key != EMPTY) {
                ids[at++] = key;
            }
        }
        Arrays.sort(ids);
        return ids;
    }

    /** The value kept for an id that is in the table: its count, until {@link #set} replaces it. */
    int get(int id) {
        return values[slot(id)];
    }

    void set(int id, int value) {
        values[slot(id)] = value;
    }

    /** The id's slot, or the empty slot where it would go. */
    private int slot(int id) {
        int mask = keys.length - 1;
        int slot = (id * 0x9E3779B9) >>> 7 & mask;
        while (keys[slot] != EMPTY && keys[slot] != id) {
            slot = slot + 1 & mask;
        }
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
