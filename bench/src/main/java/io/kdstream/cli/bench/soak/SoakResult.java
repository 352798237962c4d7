package io.kdstream.cli.bench.soak;

import java.util.List;

/**
 * What a soak measured.
 *
 * @param intervals the figures of each interval, in order
 * @param produced prompts this soak stored in {@code kd.prompts}
 * @param committed of those, prompts whose logits a {@code read_committed} reader saw
 * @param drawn of those, prompts the trainer drew into a batch
 * @param duplicateCommits logits records seen for a prompt that already had one (exactly once: 0)
 * @param steps training steps taken
 * @param checkpoints checkpoints the trainer announced
 * @param evaluations evaluations the evaluator published
 * @param overall every prompt's latencies over the whole run
 * @param inFlight prompts whose times the soak still held at the end (not yet both committed and drawn)
 */
record SoakResult(String runId, List<SoakInterval> intervals, long produced, long committed, long drawn, long duplicateCommits,
                  long steps, long checkpoints, long evaluations, Freshness.Window overall, int inFlight) {
}
