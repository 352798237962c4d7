package io.kdstream.trainer.loss;

/**
 * The KD losses computed independently of DJL, in plain Java {@code double}, position by position, straight from
 * their definitions (BRIEF.md "The model, the data, the loss"; ANCHORS.md). The tail form's student bucket sums
 * the softmax over the tokens outside S directly rather than as {@code 1 - sum q}. The sampled form (RS-KD) is the
 * tail form without that bucket: {@code sum ŵ (log ŵ - log q)}, the teacher's values minus its log-sum-exp being
 * {@code log ŵ}.
 *
 * <p>The documented guards are part of the definition: teacher top-K log-probabilities count as at least
 * {@code ln FLT_MIN}, and a tail bucket's mass as at least 1e-6 on both sides.
 */
final class ReferenceLoss {

    private static final double LOG_FLOOR = Math.log(Float.MIN_NORMAL);
    private static final double OUTSIDE_FLOOR = 1e-6;

    private ReferenceLoss() {
    }

    /** {total, kd, ce} of a case. */
    static double[] of(KdCase c, Settings s) {
        double ceSum = 0;
        double maskSum = 0;
        double kdSum = 0;
        double kdMaskSum = 0;
        for (int row = 0; row < c.batch() * c.positions(); row++) {
            double[] student = new double[c.vocabulary()];
            System.arraycopy(c.logits(), row * c.vocabulary(), student, 0, c.vocabulary());
            if (c.mask()[row] != 0) {
                ceSum += c.mask()[row] * (logSumExp(student) - student[c.targets()[row]]);
                maskSum += c.mask()[row];
            }
            if (c.kdMask()[row] != 0) {
                kdSum += c.kdMask()[row] * divergence(c, row, student, s);
                kdMaskSum += c.kdMask()[row];
            }
        }
        double ce = ceSum / Math.max(maskSum, 1);
        double kd = kdSum / Math.max(kdMaskSum, 1);
        return new double[] {s.kdWeight() * kd + s.sftWeight() * ce, kd, ce};
    }

    /** The settings of one evaluation. */
    record Settings(LossVariant variant, KlDirection direction, double teacherTemperature, double studentTemperature,
                    double kdWeight, double sftWeight, int topK) {
    }

    private static double divergence(KdCase c, int row, double[] student, Settings s) {
        int k = Math.min(s.topK(), c.storedK());
        int[] ids = new int[k];
        double[] teacherLogP = new double[k];
        double[] studentLogQ = new double[k];
        for (int r = 0; r < k; r++) {
            ids[r] = c.ids()[row * c.storedK() + r];
            teacherLogP[r] = c.values()[row * c.storedK() + r];
        }
        double[] scaled = new double[student.length];
        for (int v = 0; v < student.length; v++) {
            scaled[v] = student[v] / s.studentTemperature();
        }
        if (s.variant() == LossVariant.RENORMALISED) {
            for (int r = 0; r < k; r++) {
                teacherLogP[r] /= s.teacherTemperature();
                studentLogQ[r] = scaled[ids[r]];
            }
            return divergence(s.direction(), floored(logSoftmax(teacherLogP)), logSoftmax(studentLogQ));
        }
        double studentLse = logSumExp(scaled);
        double outside = 0;
        boolean[] inTopK = new boolean[student.length];
        for (int r = 0; r < k; r++) {
            teacherLogP[r] -= c.logSumExp()[row];
            studentLogQ[r] = scaled[ids[r]] - studentLse;
            inTopK[ids[r]] = true;
        }
        for (int v = 0; v < student.length; v++) {
            outside += inTopK[v] ? 0 : Math.exp(scaled[v] - studentLse);
        }
        teacherLogP = floored(teacherLogP);
        double kl = divergence(s.direction(), teacherLogP, studentLogQ);
        if (k == student.length || s.variant() == LossVariant.SAMPLED) {
            // sampled: each weight estimates its own token's probability; there is no bucket of the rest
            return kl;
        }
        double teacherInside = 0;
        for (double logP : teacherLogP) {
            teacherInside += Math.exp(logP);
        }
        return kl + divergence(s.direction(), new double[] {Math.log(Math.max(1 - teacherInside, OUTSIDE_FLOOR))},
                new double[] {Math.log(Math.max(outside, OUTSIDE_FLOOR))});
    }

    private static double divergence(KlDirection direction, double[] logP, double[] logQ) {
        double sum = 0;
        for (int i = 0; i < logP.length; i++) {
            sum += direction == KlDirection.FORWARD
                    ? Math.exp(logP[i]) * (logP[i] - logQ[i])
                    : Math.exp(logQ[i]) * (logQ[i] - logP[i]);
        }
        return sum;
    }

    private static double[] floored(double[] logP) {
        double[] out = new double[logP.length];
        for (int i = 0; i < logP.length; i++) {
            out[i] = Math.max(logP[i], LOG_FLOOR);
        }
        return out;
    }

    static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    static double[] logSoftmax(double[] x) {
        double lse = logSumExp(x);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - lse;
        }
        return out;
    }
}
