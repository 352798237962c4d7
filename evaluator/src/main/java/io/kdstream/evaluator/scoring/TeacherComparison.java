package io.kdstream.evaluator.scoring;

import io.kdstream.schemas.logits.LogSumExp;
import io.kdstream.schemas.logits.SequenceLogits;

/**
 * How close the student is to the teacher on sequences whose teacher logits are cached, accumulated position by
 * position over the teacher's loss mask: top-1 agreement (the student's most likely token is the teacher's), and
 * forward KL from teacher to student over the teacher's top-K, both renormalised over those K entries
 * (NeMo-Aligner's KD loss, so the number is comparable with the training KD loss at temperature 1).
 */
final class TeacherComparison {

    private long positions;
    private long agreements;
    private double klSum;
    private int examples;

    /**
     * @param studentLogits the student's logits for the whole batch, row-major (rows, width, vocabulary)
     * @param offset        where this sequence's first position starts in {@code studentLogits}
     */
    void add(SequenceLogits teacher, float[] studentLogits, int offset, int vocabulary) {
        examples++;
        int k = teacher.k();
        for (int p = 0; p < teacher.positions(); p++) {
            if (teacher.lossMask()[p] == 0) {
                continue;
            }
            int row = offset + p * vocabulary;
            int studentTop = 0;
            for (int v = 1; v < vocabulary; v++) {
                if (studentLogits[row + v] > studentLogits[row + studentTop]) {
                    studentTop = v;
                }
            }
            int first = p * k;
            if (studentTop == teacher.ids()[first]) { // ids are in descending order of the teacher's value
                agreements++;
            }
            klSum += renormalisedKl(teacher, first, k, studentLogits, row);
            positions++;
        }
    }

    private static double renormalisedKl(SequenceLogits teacher, int first, int k, float[] studentLogits, int row) {
        double teacherNorm = LogSumExp.of(k, i -> teacher.values()[first + i]);
        double studentNorm = LogSumExp.of(k, i -> studentLogits[row + teacher.ids()[first + i]]);
        double kl = 0;
        for (int i = 0; i < k; i++) {
            double logP = teacher.values()[first + i] - teacherNorm;
            double logQ = studentLogits[row + teacher.ids()[first + i]] - studentNorm;
            kl += Math.exp(logP) * (logP - logQ);
        }
        return kl;
    }

    int examples() {
        return examples;
    }

    /** Null when no position was compared. */
    Double agreement() {
        return positions == 0 ? null : (double) agreements / positions;
    }

    /** Null when no position was compared. */
    Double kl() {
        return positions == 0 ? null : klSum / positions;
    }
}
