package io.kdstream.schemas.logits;

/** The contract that each position's values are in descending order (ties allowed), checked where floats pass through unchanged. */
final class DescendingValues {

    private DescendingValues() {
    }

    /** Fails, naming the field and position, on a value above its predecessor or a NaN. */
    static void require(String field, float[] values, int k, int firstPosition, int positions) {
        for (int position = firstPosition; position < firstPosition + positions; position++) {
            int at = position * k;
            if (Float.isNaN(values[at])) {
                throw new IllegalArgumentException(field + ": the top value at position " + position + " is NaN");
            }
            for (int r = 1; r < k; r++) {
                if (!(values[at + r] <= values[at + r - 1])) {
                    throw new IllegalArgumentException(field + ": position " + position + " is not in descending order (entry " + r
                            + " is " + values[at + r] + " after " + values[at + r - 1] + ")");
                }
            }
        }
    }
}
