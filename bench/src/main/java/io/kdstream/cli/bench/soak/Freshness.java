package io.kdstream.cli.bench.soak;

import org.HdrHistogram.Histogram;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * How fresh the trainer's data is, prompt by prompt: when each prompt was stored in {@code kd.prompts}, when its
 * logits became visible to a {@code read_committed} reader of {@code kd.teacher.logits}, and when the trainer first
 * drew it into a batch. Only this soak's streamed prompts are timed ({@link SoakPromptIds}). Thread-safe: the
 * generator, the logits watcher and the training thread each report their event.
 *
 * <p>Its memory does not grow with the prompts seen, so that the soak measures kdstream's: a prompt's times are held
 * only while it is in flight (until it is both committed and drawn), which prompts were committed and drawn is a bit
 * a prompt (duplicates stay exact), and the latencies go into histograms of fixed precision
 * ({@link Percentiles}).
 */
final class Freshness {

    private final SoakPromptIds ids;
    private final Object lock = new Object();
    /** Stored times of the prompts not yet both committed and drawn, by sequence number. */
    private final Map<Integer, Long> producedAt = new HashMap<>();
    /** Commit times of the prompts committed but not yet drawn. */
    private final Map<Integer, Long> committedAt = new HashMap<>();
    private final BitSet committed = new BitSet();
    private final BitSet drawn = new BitSet();
    private long producedCount;
    private long committedCount;
    private long drawnCount;
    private long duplicateCommits;
    private final Latencies window = new Latencies();
    private final Latencies overall = new Latencies();

    Freshness(SoakPromptIds ids) {
        this.ids = ids;
    }

    void produced(int sequence, long nanos) {
        synchronized (lock) {
            producedAt.put(sequence, nanos);
            producedCount++;
        }
    }

    /** A logits record of {@code promptId} seen committed; a second one for the same prompt is counted as a duplicate. */
    void committed(String promptId, long nanos) {
        int sequence = ids.sequenceOf(promptId);
        if (sequence < 0) {
            return;
        }
        synchronized (lock) {
            if (committed.get(sequence)) {
                duplicateCommits++;
                return;
            }
            Long sent = producedAt.get(sequence);
            if (sent == null) {
                return; // not stored yet as far as the stream knows: not timed
            }
            committed.set(sequence);
            committedCount++;
            window.toCommitted.recordValue(micros(nanos - sent));
            overall.toCommitted.recordValue(micros(nanos - sent));
            if (drawn.get(sequence)) {
                producedAt.remove(sequence); // drawn before this reader saw it committed: nothing more to time
            } else {
                committedAt.put(sequence, nanos);
            }
        }
    }

    void drawn(String promptId, long nanos) {
        int sequence = ids.sequenceOf(promptId);
        if (sequence < 0) {
            return;
        }
        synchronized (lock) {
            Long sent = producedAt.get(sequence);
            if (sent == null || drawn.get(sequence)) {
                return;
            }
            drawn.set(sequence);
            drawnCount++;
            window.toDrawn.recordValue(micros(nanos - sent));
            overall.toDrawn.recordValue(micros(nanos - sent));
            Long visible = committedAt.remove(sequence);
            if (visible != null) {
                window.committedToDrawn.recordValue(micros(nanos - visible));
                overall.committedToDrawn.recordValue(micros(nanos - visible));
            }
            if (committed.get(sequence)) {
                producedAt.remove(sequence);
            }
        }
    }

    /** The latencies of the events since the last window; the next window starts empty. */
    Window takeWindow() {
        synchronized (lock) {
            Window taken = window.percentiles();
            window.reset();
            return taken;
        }
    }

    /** Every latency of the run so far. */
    Window overall() {
        synchronized (lock) {
            return overall.percentiles();
        }
    }

    long producedCount() {
        synchronized (lock) {
            return producedCount;
        }
    }

    long committedCount() {
        synchronized (lock) {
            return committedCount;
        }
    }

    long drawnCount() {
        synchronized (lock) {
            return drawnCount;
        }
    }

    long duplicateCommits() {
        synchronized (lock) {
            return duplicateCommits;
        }
    }

    /** Prompts whose times are still held: produced and not yet both committed and drawn. */
    int inFlight() {
        synchronized (lock) {
            return producedAt.size();
        }
    }

    /** A latency in whole microseconds; a clock step backwards counts as none. */
    private static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }

    /** The three latencies' histograms of one span of the run. */
    private static final class Latencies {
        final Histogram toCommitted = Percentiles.histogram();
        final Histogram committedToDrawn = Percentiles.histogram();
        final Histogram toDrawn = Percentiles.histogram();

        Window percentiles() {
            return new Window(Percentiles.of(toCommitted), Percentiles.of(committedToDrawn), Percentiles.of(toDrawn));
        }

        void reset() {
            toCommitted.reset();
            committedToDrawn.reset();
            toDrawn.reset();
        }
    }

    /** One window's latencies: produced to committed, committed to first drawn, produced to first drawn. */
    record Window(Percentiles toCommitted, Percentiles committedToDrawn, Percentiles toDrawn) {
    }

    /**
     * Nearest-rank p50 and p99 of a span's latencies in seconds (NaN when it had none) and how many there were. The
     * latencies are kept in microseconds in an HdrHistogram of 3 significant digits: each percentile is the highest
     * value its bucket holds, at most 0.1% above the sample at that rank, in a few hundred kB however long the run.
     */
    record Percentiles(long count, double p50, double p99) {

        static final int SIGNIFICANT_DIGITS = 3;

        /** Grows its range to the largest latency recorded (a bucket row per doubling), never with the count. */
        static Histogram histogram() {
            return new Histogram(SIGNIFICANT_DIGITS);
        }

        static Percentiles of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Percentiles(0, Double.NaN, Double.NaN);
            }
            return new Percentiles(micros.getTotalCount(), micros.getValueAtPercentile(50) / 1e6, micros.getValueAtPercentile(99) / 1e6);
        }
    }
}
