package io.kdstream.cli.bench.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fresh the trainer's data is, prompt by prompt: when each prompt was stored in {@code kd.prompts}, when its
 * logits became visible to a {@code read_committed} reader of {@code kd.teacher.logits}, and when the trainer first
 * drew it into a batch. Only prompts this soak produced are timed. Thread-safe: the generator, the logits watcher and
 * the training thread each report their event.
 */
final class Freshness {

    private final Map<String, Long> produced = new ConcurrentHashMap<>();
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> drawn = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private List<Double> toCommitted = new ArrayList<>();
    private List<Double> toDrawn = new ArrayList<>();
    private List<Double> committedToDrawn = new ArrayList<>();
    private final List<Double> allToCommitted = new ArrayList<>();
    private final List<Double> allCommittedToDrawn = new ArrayList<>();
    private final List<Double> allToDrawn = new ArrayList<>();
    private long duplicateCommits;

    void produced(String promptId, long nanos) {
        produced.put(promptId, nanos);
    }

    /** A logits record of {@code promptId} seen committed; a second one for the same prompt is counted as a duplicate. */
    void committed(String promptId, long nanos) {
        Long sent = produced.get(promptId);
        if (sent == null) {
            return;
        }
        if (committed.putIfAbsent(promptId, nanos) != null) {
            synchronized (lock) {
                duplicateCommits++;
            }
            return;
        }
        synchronized (lock) {
            toCommitted.add(seconds(nanos - sent));
            allToCommitted.add(seconds(nanos - sent));
        }
    }

    void drawn(String promptId, long nanos) {
        Long sent = produced.get(promptId);
        if (sent == null || drawn.putIfAbsent(promptId, Boolean.TRUE) != null) {
            return;
        }
        Long visible = committed.get(promptId);
        synchronized (lock) {
            toDrawn.add(seconds(nanos - sent));
            allToDrawn.add(seconds(nanos - sent));
            if (visible != null) {
                committedToDrawn.add(seconds(nanos - visible));
                allCommittedToDrawn.add(seconds(nanos - visible));
            }
        }
    }

    /** The latencies of the events since the last window, in seconds; the next window starts empty. */
    Window takeWindow() {
        synchronized (lock) {
            Window window = new Window(Percentiles.of(toCommitted), Percentiles.of(committedToDrawn), Percentiles.of(toDrawn));
            toCommitted = new ArrayList<>();
            committedToDrawn = new ArrayList<>();
            toDrawn = new ArrayList<>();
            return window;
        }
    }

    /** Every latency of the run so far. */
    Window overall() {
        synchronized (lock) {
            return new Window(Percentiles.of(allToCommitted), Percentiles.of(allCommittedToDrawn), Percentiles.of(allToDrawn));
        }
    }

    long producedCount() {
        return produced.size();
    }

    long committedCount() {
        return committed.size();
    }

    long drawnCount() {
        return drawn.size();
    }

    long duplicateCommits() {
        synchronized (lock) {
            return duplicateCommits;
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** One window's latencies: produced to committed, committed to first drawn, produced to first drawn. */
    record Window(Percentiles toCommitted, Percentiles committedToDrawn, Percentiles toDrawn) {
    }

    /** Nearest-rank p50 and p99 of a window's latencies (NaN when it had none) and how many there were. */
    record Percentiles(int count, double p50, double p99) {

        static Percentiles of(List<Double> values) {
            if (values.isEmpty()) {
                return new Percentiles(0, Double.NaN, Double.NaN);
            }
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            return new Percentiles(sorted.length, rank(sorted, 0.5), rank(sorted, 0.99));
        }

        private static double rank(double[] sorted, double quantile) {
            return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
        }
    }
}
