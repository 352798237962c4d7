package io.kdstream.model.topk;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extracts per-position top-K logits and the full-vocabulary log-sum-exp from a logits tensor.
 *
 * <p>All heavy work runs on the DJL side ({@code topK}, then max-shifted exp-sum-log for the log-sum-exp: DJL 0.36 has
 * no {@code logSumExp} op, and the shift reuses the maximum that {@code topK} already found), and the results cross to
 * Java in one transfer per array.
 *
 * <p><b>Ties</b> are resolved like a stable Java sort by descending value: equal values are ordered by ascending
 * token id, and at the K boundary the lower ids are kept. Torch's {@code topK} does not promise either, so K+1 entries
 * are fetched: equal values inside the top K are re-ordered in Java, and a position whose K-th and (K+1)-th values
 * tie (rare with real logits) is recomputed in Java from that position's full row.
 */
public final class TopKExtractor {

    private TopKExtractor() {
    }

    /** Top-{@code k} of every position of logits (T,V). */
    public static TopKLogits extract(NDArray logits, int k) {
        Shape shape = logits.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("expected logits (positions, vocabulary), got shape " + shape);
        }
        try (NDManager scope = logits.getManager().newSubManager()) {
            scope.tempAttachAll(logits); // results of ops follow their input's manager: keep them in the scope
            NDArray batched = logits.expandDims(0);
            return extract(batched, k, new int[] {Math.toIntExact(shape.get(0))}).get(0);
        }
    }

    /**
     * Top-{@code k} of each row of logits (B,T,V). Rows are right-padded: row {@code b}'s real positions are
     * {@code 0 .. lengths[b]-1}, and its padding positions are ignored.
     */
    public static List<TopKLogits> extract(NDArray logits, int k, int[] lengths) {
        Shape shape = logits.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("expected logits (batch, positions, vocabulary), got shape " + shape);
        }
        int batch = Math.toIntExact(shape.get(0));
        int time = Math.toIntExact(shape.get(1));
        int vocabulary = Math.toIntExact(shape.get(2));
        if (k < 1 || k > vocabulary) {
            throw new IllegalArgumentException("k must be in [1, " + vocabulary + "], got " + k);
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("got " + lengths.length + " lengths for " + batch + " rows");
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 0 || lengths[b] > time) {
                throw new IllegalArgumentException("length " + lengths[b] + " of row " + b + " is outside [0, " + time + "]");
            }
        }

        // One extra entry tells whether the K-th value ties with one that was left out.
        int fetched = Math.min(k + 1, vocabulary);
        float[] values;
        long[] ids;
        float[] logSumExp;
        try (NDManager scope = logits.getManager().newSubManager()) {
            // Every intermediate follows its input's manager: borrowing the logits into the scope frees them all
            // when it closes (and hands the logits back to their owner).
            scope.tempAttachAll(logits);
            NDArray input = logits.toType(DataType.FLOAT32, false);
            NDList top = input.topK(fetched, -1, true, true);
            NDArray max = top.get(0).get("..., 0:1");
            NDArray lse = input.sub(max).exp().sum(new int[] {-1}).log().add(max.squeeze(-1));
            values = top.get(0).toFloatArray();
            ids = top.get(1).toType(DataType.INT64, false).toLongArray();
            logSumExp = lse.toFloatArray();
        }

        List<TopKLogits> result = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            int positions = lengths[b];
            int[] rowIds = new int[positions * k];
            float[] rowValues = new float[positions * k];
            float[] rowLse = new float[positions];
            for (int p = 0; p < positions; p++) {
                int source = (b * time + p) * fetched;
                float lse = logSumExp[b * time + p];
                if (Float.isNaN(lse) || lse == Float.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("logits of row " + b + " at position " + p
                            + " are not finite (log-sum-exp " + lse + ")");
                }
                rowLse[p] = lse;
                if (fetched > k && values[source + k - 1] == values[source + k]) {
                    exactFromRow(logits, b, p, k, rowIds, rowValues, p * k);
                } else {
                    for (int r = 0; r < k; r++) {
                        rowIds[p * k + r] = Math.toIntExact(ids[source + r]);
                        rowValues[p * k + r] = values[source + r];
                    }
                    orderTiesById(rowIds, rowValues, p * k, k);
                }
            }
            result.add(new TopKLogits(positions, k, rowIds, rowValues, rowLse));
        }
        return result;
    }

    /** Within a descending list, sorts each run of equal values by ascending id (insertion sort: runs are short). */
    private static void orderTiesById(int[] ids, float[] values, int offset, int k) {
        for (int i = offset + 1; i < offset + k; i++) {
            int id = ids[i];
            float value = values[i];
            int j = i - 1;
            while (j >= offset && values[j] == value && ids[j] > id) {
                ids[j + 1] = ids[j];
                j--;
            }
            ids[j + 1] = id;
        }
    }

    /** The exact top-k of one position, in Java: used only when the K boundary falls inside a run of equal values. */
    private static void exactFromRow(NDArray logits, int row, int position, int k, int[] ids, float[] values,
                                     int offset) {
        float[] full;
        try (NDManager scope = logits.getManager().newSubManager()) {
            scope.tempAttachAll(logits);
            full = logits.get(row, position).toType(DataType.FLOAT32, false).toFloatArray();
        }
        Integer[] order = new Integer[full.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort by descending value keeps ascending ids among equal values. Values are compared with == (not
        // Float.compare) so that -0.0 and 0.0 tie here as they do in the tie detection above; NaN was rejected.
        Arrays.sort(order, (a, b) -> full[a] == full[b] ? 0 : (full[a] > full[b] ? -1 : 1));
        for (int r = 0; r < k; r++) {
            ids[offset + r] = order[r];
            values[offset + r] = full[order[r]];
        }
    }
}
