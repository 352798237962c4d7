package io.kdstream.producers.generate;

/**
 * Column-by-column addition and subtraction of two numbers of the same digit count, written as a worked solution
 * from the ones column up: {@code 7+5=12. 3+4+1=8.} and {@code 12-5=7. 3-1-1=1.} (the first column's own borrow
 * is written as the ten it adds; later columns subtract the borrow they give).
 *
 * <p>A {@link Slip} miscomputes one column by one; every later step is computed correctly from the slipped value, so
 * the solution stays consistent with itself and ends in a wrong final answer, as a plausible mistake does.
 */
final class ColumnArithmetic {

    private ColumnArithmetic() {
    }

    /** One column's result written {@code delta} (+1 or -1) off; {@link #NONE} for a correct solution. */
    record Slip(int column, int delta) {
        static final Slip NONE = new Slip(-1, 0);
    }

    /**
     * A worked solution, its final answer and each column's written result (ones first).
     *
     * @param columnLimit the largest result a column other than the leading one can have (19 for an addition column
     *     with its carry in, 9 for a subtraction digit)
     */
    record Worked(String solution, long answer, long[] columns, long columnLimit) {

        /** Whether a column's written result reads like one: not negative, and within the limit unless it leads. */
        boolean plausible(int column) {
            long result = columns[column];
            return result >= 0 && (column == columns.length - 1 || result <= columnLimit);
        }
    }

    static Worked add(long a, long b, int digits, Slip slip) {
        StringBuilder solution = new StringBuilder();
        long[] columns = new long[digits];
        long answer = 0;
        long carry = 0;
        long place = 1;
        for (int column = 0; column < digits; column++, place *= 10) {
            long x = digit(a, column);
            long y = digit(b, column);
            long sum = x + y + carry;
            if (column == slip.column()) {
                sum += slip.delta();
            }
            solution.append(column == 0 ? "" : " ").append(x).append('+').append(y);
            if (column > 0) {
                solution.append('+').append(carry);
            }
            solution.append('=').append(sum).append('.');
            columns[column] = sum;
            boolean last = column == digits - 1;
            answer += (last ? sum : sum % 10) * place;
            carry = sum / 10;
        }
        return new Worked(solution.toString(), answer, columns, 19);
    }

    /** {@code a - b} with {@code a >= b}. */
    static Worked subtract(long a, long b, int digits, Slip slip) {
        StringBuilder solution = new StringBuilder();
        long[] columns = new long[digits];
        long answer = 0;
        long borrowIn = 0;
        long place = 1;
        for (int column = 0; column < digits; column++, place *= 10) {
            long x = digit(a, column);
            long y = digit(b, column);
            boolean last = column == digits - 1;
            long borrowOut = !last && x - borrowIn < y ? 1 : 0;
            long top = x + 10 * borrowOut;
            long difference = top - y - borrowIn;
            if (column == slip.column()) {
                difference += slip.delta();
            }
            solution.append(column == 0 ? "" : " ").append(top).append('-').append(y);
            if (column > 0) {
                solution.append('-').append(borrowIn);
            }
            solution.append('=').append(difference).append('.');
            columns[column] = difference;
            answer += difference * place;
            borrowIn = borrowOut;
        }
        return new Worked(solution.toString(), answer, columns, 9);
    }

    private static long digit(long value, int column) {
        long rest = value;
        for (int i = 0; i < column; i++) {
            rest /= 10;
        }
        return rest % 10;
    }
}
