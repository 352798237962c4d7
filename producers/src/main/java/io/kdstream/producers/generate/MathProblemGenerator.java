package io.kdstream.producers.generate;

import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.util.SplittableRandom;

/**
 * Synthetic math SDG in the spirit of OpenMathInstruct-2: two-digit addition and subtraction problems with a
 * worked, digit-by-digit solution and a final answer in the {@link FinalAnswer} convention.
 *
 * <p>Deterministic from the seed; a problem's split comes from {@link Splits}, so no problem is in two splits.
 */
public final class MathProblemGenerator implements SdgGenerator<MathProblemGenerator.MathProblem> {

    public static final String DATASET = "math";

    private final SplittableRandom random;

    public MathProblemGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public record MathProblem(String canonical, String prompt, String response, String answer, Split split) implements SdgExample {
        @Override
        public Prompt toPrompt(String source) {
            return MathPrompts.toPrompt(this, source);
        }
    }

    @Override
    public String dataset() {
        return DATASET;
    }

    /** One random problem of any split. */
    @Override
    public MathProblem next() {
        int a = random.nextInt(10, 100);
        int b = random.nextInt(10, 100);
        boolean add = random.nextBoolean();
        if (!add && b > a) {
            int swap = a;
            a = b;
            b = swap;
        }
        String canonical = a + (add ? "+" : "-") + b;
        String solution = add ? addition(a, b) : subtraction(a, b);
        int answer = add ? a + b : a - b;
        String prompt = "What is " + canonical + "?";
        String response = solution + " " + FinalAnswer.format(Integer.toString(answer));
        return new MathProblem(canonical, prompt, response, Integer.toString(answer), Splits.of(canonical));
    }

    private static String addition(int a, int b) {
        int ones = a % 10 + b % 10;
        int carry = ones / 10;
        int tens = a / 10 + b / 10 + carry;
        return (a % 10) + "+" + (b % 10) + "=" + ones + ". " + (a / 10) + "+" + (b / 10) + "+" + carry + "=" + tens + ".";
    }

    private static String subtraction(int a, int b) {
        int borrow = a % 10 < b % 10 ? 1 : 0;
        int ones = a % 10 + 10 * borrow - b % 10;
        int tens = a / 10 - b / 10 - borrow;
        return (a % 10 + 10 * borrow) + "-" + (b % 10) + "=" + ones + ". " + (a / 10) + "-" + (b / 10) + "-" + borrow + "=" + tens + ".";
    }
}
