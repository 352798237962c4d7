package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Split;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A synthetic SDG generator: random examples, deterministic from the generator's seed. Its {@link #distinct}
 * examples of the TRAIN split carry a wrong response in the share {@link SdgOptions#wrongShare} asks for: after n
 * of them, exactly round(n * share) are wrong (the n-th is made wrong whenever the count falls behind), so the share
 * holds to within rounding for any count. Validation and test examples are never made wrong; those taken for use are
 * {@link #heldOut}.
 */
public interface SdgGenerator<E extends SdgExample> {

    /**
     * Draws that find nothing new before a generator is taken to have no unseen example of a split left: far more
     * than any generator here needs while problems remain (each split holds at least 10 % of the draws).
     */
    int MAX_CONSECUTIVE_REPEATS = 50_000;

    /** The next random example, of any split, with a correct response. */
    E next();

    /** The dataset name its examples carry. */
    String dataset();

    /** Its difficulty and share of wrong training responses. */
    SdgOptions options();

    /**
     * The same problem with a plausible wrong response, deterministic from the seed and the problem; empty when the
     * generator finds none for this problem (the next training example is then made wrong instead).
     */
    Optional<E> wrong(E example);

    /**
     * The example as a held-out split (validation, test) carries it, where models are judged on it: by default as
     * drawn; code tasks add tests that tell their reference program from its near misses.
     */
    default E heldOut(E example) {
        return example;
    }

    /** Where a generator draws the mistake in a problem's wrong response: the same for the same seed and problem. */
    static SplittableRandom mistakes(long seed, SdgExample example) {
        return new SplittableRandom(seed * 31 + Splits.crc32(example.canonical()));
    }

    /**
     * Distinct examples of one split, in the order drawn, until none unseen is left (then {@code hasNext} is false);
     * held-out ones as drawn, which is enough to count or compare them ({@link #take} makes them ready for judging).
     */
    default Iterator<E> distinct(Split wanted) {
        return new Iterator<>() {
            private final Set<String> seen = new HashSet<>();
            private final double wrongShare = wanted == Split.TRAIN ? options().wrongShare() : 0;
            private long emitted;
            private long wrongEmitted;
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
                emitted++;
                if (wrongEmitted < Math.round(emitted * wrongShare)) {
                    Optional<E> wrong = wrong(out);
                    if (wrong.isPresent()) {
                        wrongEmitted++;
                        return wrong.get();
                    }
                }
                return out;
            }
        };
    }

    /** The next {@code count} distinct examples of the wanted split. */
    default List<E> generate(int count, Split wanted) {
        return take(distinct(wanted), count, wanted);
    }

    /**
     * The next {@code count} examples of a {@link #distinct} iterator, held-out ones as their split carries them
     * ({@link #heldOut}); fails, saying how many exist, when fewer are left.
     */
    default List<E> take(Iterator<E> distinct, int count, Split wanted) {
        List<E> out = new ArrayList<>(count);
        while (out.size() < count) {
            if (!distinct.hasNext()) {
                throw new IllegalStateException("cannot find " + count + " distinct " + wanted + " " + dataset() + " problems; only " + out.size() + " exist");
            }
            out.add(wanted == Split.TRAIN ? distinct.next() : heldOut(distinct.next()));
        }
        return out;
    }
}
