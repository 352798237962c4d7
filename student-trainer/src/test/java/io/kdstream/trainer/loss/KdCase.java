package io.kdstream.trainer.loss;

import io.kdstream.model.sampled.SampledTokens;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * One batch of KD inputs in plain Java arrays, laid out as {@code PaddedBatch} lays them out: row 0 full length,
 * the other rows right-padded (padding positions have target 0, mask 0, and teacher ids, values and log-sum-exp 0),
 * zeros in the mask inside rows too, and the last row without teacher logits (KD mask 0).
 *
 * <p>The teacher's entries are the exact top {@code storedK} of a full row of teacher logits, descending, equal values
 * by ascending id (as TopKExtractor stores them), and the log-sum-exp is that row's, so both loss variants are fed
 * consistent data.
 */
record KdCase(int batch, int positions, int vocabulary, int storedK, double[] logits, int[] targets, float[] mask,
              float[] kdMask, int[] ids, float[] values, float[] logSumExp) {

    /** Makes one row of full-vocabulary teacher logits. */
    interface TeacherRow {
        double[] next(Random random, int vocabulary);
    }

    static final TeacherRow GAUSSIAN_TEACHER = (random, vocabulary) -> {
        double[] row = new double[vocabulary];
        for (int v = 0; v < vocabulary; v++) {
            row[v] = 3 * random.nextGaussian();
        }
        return row;
    };

    /** Turns one full row of teacher logits into the {@code storedK} entries a record keeps of it. */
    interface TeacherEntries {
        void store(double[] full, int storedK, int row, int[] ids, float[] values, float[] logSumExp);
    }

    /** The exact top K, descending, equal values by ascending id, with the row's log-sum-exp. */
    static final TeacherEntries TOP_K = KdCase::storeTopK;

    /**
     * RS-KD's entries ({@link SampledTokens}): {@code storedK} draws at the proposal temperature, the distinct ids with
     * values {@code log ŵ} and log-sum-exp 0, the unused entries id 0 at minus infinity (weight 0); each row's draws
     * seeded by {@code seed} and the row.
     */
    static TeacherEntries sampled(double proposalTemperature, long seed) {
        return (full, storedK, row, ids, values, logSumExp) -> {
            float[] logits = new float[full.length];
            for (int v = 0; v < full.length; v++) {
                logits[v] = (float) full[v];
            }
            SampledTokens drawn = SampledTokens.draw(logits, 0, full.length, storedK, proposalTemperature, seed * 1_000_003 + row);
            for (int r = 0; r < storedK; r++) {
                boolean used = r < drawn.ids().length;
                ids[row * storedK + r] = used ? drawn.ids()[r] : 0;
                values[row * storedK + r] = used ? (float) drawn.logWeight(r) : Float.NEGATIVE_INFINITY;
            }
            logSumExp[row] = 0;
        };
    }

    static KdCase random(long seed, int batch, int positions, int vocabulary, int storedK) {
        return of(seed, batch, positions, vocabulary, storedK, 2, GAUSSIAN_TEACHER, TOP_K);
    }

    static KdCase of(long seed, int batch, int positions, int vocabulary, int storedK, double studentScale,
                     TeacherRow teacher) {
        return of(seed, batch, positions, vocabulary, storedK, studentScale, teacher, TOP_K);
    }

    static KdCase of(long seed, int batch, int positions, int vocabulary, int storedK, double studentScale,
                     TeacherRow teacher, TeacherEntries entries) {
        Random random = new Random(seed);
        int rows = batch * positions;
        double[] logits = new double[rows * vocabulary];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * studentScale); // float-representable: same input for fp32
        }
        int[] targets = new int[rows];
        float[] mask = new float[rows];
        float[] kdMask = new float[rows];
        int[] ids = new int[rows * storedK];
        float[] values = new float[rows * storedK];
        float[] logSumExp = new float[rows];
        for (int b = 0; b < batch; b++) {
            int length = b == 0 ? positions : 1 + random.nextInt(positions);
            boolean hasTeacher = batch == 1 || b != batch - 1;
            for (int p = 0; p < length; p++) {
                int row = b * positions + p;
                targets[row] = random.nextInt(vocabulary);
                mask[row] = random.nextDouble() < 0.75 ? 1f : 0f;
                if (hasTeacher) {
                    kdMask[row] = mask[row];
                    entries.store(teacher.next(random, vocabulary), storedK, row, ids, values, logSumExp);
                }
            }
        }
        return new KdCase(batch, positions, vocabulary, storedK, logits, targets, mask, kdMask, ids, values, logSumExp);
    }

    private static void storeTopK(double[] full, int k, int row, int[] ids, float[] values, float[] logSumExp) {
        float[] rounded = new float[full.length];
        for (int v = 0; v < full.length; v++) {
            rounded[v] = (float) full[v];
        }
        Integer[] order = IntStream.range(0, full.length).boxed()
                .sorted(Comparator.comparingDouble((Integer v) -> -rounded[v])).toArray(Integer[]::new);
        for (int r = 0; r < k; r++) {
            ids[row * k + r] = order[r];
            values[row * k + r] = rounded[order[r]];
        }
        logSumExp[row] = (float) ReferenceLoss.logSumExp(toDouble(rounded));
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** A copy with every mask entry 0. */
    KdCase fullyMasked() {
        return new KdCase(batch, positions, vocabulary, storedK, logits, targets, new float[mask.length],
                new float[kdMask.length], ids, values, logSumExp);
    }

    /** A copy with the student logits replaced. */
    KdCase withLogits(double[] newLogits) {
        return new KdCase(batch, positions, vocabulary, storedK, newLogits, targets, mask, kdMask, ids, values,
                logSumExp);
    }

    float[] logitsAsFloats() {
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) logits[i];
        }
        return out;
    }
}
