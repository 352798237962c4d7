package io.kdstream.teacher.backend;

/**
 * How an RS-KD teacher samples each position (cache encoding {@code sampled}): {@code draws} tokens from the proposal
 * {@code q ∝ p^(1/temperature)} over the teacher's full distribution p.
 *
 * @param draws       N, tokens drawn a position ({@code kdstream.teacher.sampled.draws})
 * @param temperature the proposal temperature τ ({@code kdstream.teacher.sampled.temperature}); at 1 the proposal is
 *                    the teacher's distribution and records carry counts only
 */
public record SampledProposal(int draws, double temperature) {
}
