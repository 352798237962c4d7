package io.kdstream.producers.generate;

import io.kdstream.schemas.answers.FinalAnswer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays a math response's worked solution as a reader checking it would: each column's operands must be the
 * problem's digits, each carry or borrow must follow from the columns written before it, and the final answer must
 * be what the written columns add up to. It counts the columns whose written result is miscomputed.
 */
final class WorkedSolutions {

    private static final Pattern STEP = Pattern.compile("(\\d+)([+-])(\\d+)(?:[+-](\\d+))?=(-?\\d+)\\.");

    private WorkedSolutions() {
    }

    /** The columns whose result is miscomputed, after checking that everything else is consistent. */
    static int slippedColumns(String canonical, String response) {
        boolean add = canonical.contains("+");
        String[] operands = canonical.split("[+-]");
        long a = Long.parseLong(operands[0]);
        long b = Long.parseLong(operands[1]);
        int digits = operands[0].length();
        assertThat(operands[1]).hasSize(digits);
        String[] steps = response.substring(0, response.indexOf(" " + FinalAnswer.MARKER)).split(" ");
        assertThat(steps).as(response).hasSize(digits);
        int slipped = 0;
        long assembled = 0;
        long place = 1;
        long previousResult = 0;
        long previousTop = 0;
        for (int column = 0; column < digits; column++, place *= 10) {
            Matcher step = STEP.matcher(steps[column]);
            assertThat(step.matches()).as("step '%s' of %s", steps[column], response).isTrue();
            long top = Long.parseLong(step.group(1));
            long y = Long.parseLong(step.group(3));
            long carried = step.group(4) == null ? 0 : Long.parseLong(step.group(4));
            long result = Long.parseLong(step.group(5));
            boolean last = column == digits - 1;
            assertThat(step.group(2)).isEqualTo(add ? "+" : "-");
            assertThat(step.group(4) == null).as("only the first column has no carry or borrow: %s", response).isEqualTo(column == 0);
            assertThat(y).as(response).isEqualTo(digit(b, column));
            long correct;
            if (add) {
                assertThat(top).as(response).isEqualTo(digit(a, column));
                assertThat(carried).as("carry into column %d of %s", column, response).isEqualTo(previousResult / 10);
                correct = top + y + carried;
                assembled += (last ? result : result % 10) * place;
            } else {
                assertThat(carried).as("borrow into column %d of %s", column, response).isEqualTo(previousTop >= 10 ? 1 : 0);
                boolean borrows = !last && digit(a, column) - carried < y;
                assertThat(top).as("column %d of %s", column, response).isEqualTo(digit(a, column) + (borrows ? 10 : 0));
                correct = top - y - carried;
                assembled += result * place;
            }
            if (result != correct) {
                slipped++;
                assertThat(Math.abs(result - correct)).as("a slip is one off: %s", response).isEqualTo(1);
            }
            assertThat(result).as(response).isNotNegative();
            previousResult = result;
            previousTop = top;
        }
        assertThat(FinalAnswer.extract(response)).as("the final answer is what the columns add up to: %s", response)
                .isEqualTo(Long.toString(assembled));
        return slipped;
    }

    private static long digit(long value, int column) {
        return value / (long) Math.pow(10, column) % 10;
    }
}
