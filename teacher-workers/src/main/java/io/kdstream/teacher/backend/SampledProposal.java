package io.kdstream.teacher.backend;

import io.kdstream.model.sampled.SampledTokens;
import io.kdstream.schemas.logits.SampledSequence;

import java.util.List;

/**
 * How an RS-KD teacher samples each position (cache encoding {@code sampled}): {@code draws} tokens from the proposal
 * {@code q ∝ p^(1/temperature)} over the teacher's full distribution p.
 *
 * @param draws       N, tokens drawn a position ({@code kdstream.teacher.sampled.draws})
 * @param temperature the proposal temperature τ ({@code kdstream.teacher.sampled.temperature}); at 1 the proposal is
 *                    the teacher's distribution and records carry counts only
 */
public record SampledProposal(int draws, double temperature) {

    /**
     * A sequence's draws, {@code positions.get(p)} at position p, as records hold them: as many slots a position as
     * the most distinct tokens any position drew, log p/q only for a proposal other than the teacher's distribution.
     */
    public SampledSequence sequence(List<SampledTokens> positions, int vocabularySize) {
        int slots = Math.max(1, positions.stream().mapToInt(drawn -> drawn.ids().length).max().orElse(1));
        int[] ids = new int[positions.size() * slots];
        int[] counts = new int[ids.length];
        float[] logRatios = temperature == 1 ? null : new float[ids.length];
        for (int p = 0; p < positions.size(); p++) {
            SampledTokens drawn = positions.get(p);
            System.arraycopy(drawn.ids(), 0, ids, p * slots, drawn.ids().length);
            System.arraycopy(drawn.counts(), 0, counts, p * slots, drawn.counts().length);
            for (int i = 0; logRatios != null && i < drawn.ids().length; i++) {
                logRatios[p * slots + i] = (float) drawn.logRatios()[i];
            }
        }
        return new SampledSequence(slots, vocabularySize, ids, counts, logRatios, draws);
    }
}
