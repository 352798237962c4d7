package io.kdstream.teacher.backend;

import io.kdstream.model.sampled.SampledTokens;

import java.util.List;

/**
 * A teacher that has each position's full distribution, so it can draw RS-KD's sampled tokens from it; a served
 * teacher answers top-K log-probabilities only and cannot.
 */
public interface SamplingTeacher extends TeacherBackend {

    /**
     * The draws at every position that predicts a next token ({@code length - 1} positions) of each sequence, in the
     * sequences' order; position p of sequence i draws with the seed {@link SampledTokens#seed}{@code (promptIds[i], p)},
     * so the same prompt always draws the same tokens.
     */
    List<List<SampledTokens>> sample(List<int[]> sequences, List<String> promptIds, SampledProposal proposal);
}
