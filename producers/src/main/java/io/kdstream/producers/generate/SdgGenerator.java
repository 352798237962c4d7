package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Split;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/** A synthetic SDG generator: random examples, deterministic from the generator's seed. */
public interface SdgGenerator<E extends SdgExample> {

    /**
     * Draws that find nothing new before a generator is taken to have no unseen example of a split left: far more
     * than any generator here needs while problems remain (each split holds at least 10 % of the draws).
     */
    int MAX_CONSECUTIVE_REPEATS = 50_000;

    /** The next random example, of any split. */
    E next();

    /** The dataset name its examples carry. */
    String dataset();

    /** Distinct examples of one split, in the order drawn, until none unseen is left (then {@code hasNext} is false). */
    default Iterator<E> distinct(Split wanted) {
        return new Iterator<>() {
            private final Set<String> seen = new HashSet<>();
            private E upcoming;

            @Override
            public boolean hasNext() {
                for (int repeats = 0; upcoming == null && repeats < MAX_CONSECUTIVE_REPEATS; repeats++) {
                    E candidate = SdgGenerator.this.next();
                    if (candidate.split() == wanted && seen.add(candidate.canonical())) {
                        upcoming = candidate;
                    }
                }
                return upcoming != null;
            }

            @Override
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no unseen " + wanted + " example is left");
                }
                E out = upcoming;
                upcoming = null;
                return out;
            }
        };
    }

    /** The next {@code count} distinct examples of the wanted split. */
    default List<E> generate(int count, Split wanted) {
        return take(distinct(wanted), count, wanted);
    }

    /** The next {@code count} examples of a {@link #distinct} iterator; fails, saying how many exist, when fewer are left. */
    default List<E> take(Iterator<E> distinct, int count, Split wanted) {
        List<E> out = new ArrayList<>(count);
        while (out.size() < count) {
            if (!distinct.hasNext()) {
                throw new IllegalStateException("cannot find " + count + " distinct " + wanted + " " + dataset() + " problems; only " + out.size() + " exist");
            }
            out.add(distinct.next());
        }
        return out;
    }
}
