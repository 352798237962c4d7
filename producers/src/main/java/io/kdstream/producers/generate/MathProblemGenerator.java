package io.kdstream.producers.generate;

import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Synthetic math SDG in the spirit of OpenMathInstruct-2: addition and subtraction problems (two-, three- or
 * four-digit operands, by {@link Difficulty}) with a worked, column-by-column solution and a final answer in the
 * {@link FinalAnswer} convention. A wrong response ({@link SdgOptions#wrongShare}) slips one column by one and
 * carries the slip through to the final answer ({@link ColumnArithmetic}).
 *
 * <p>Deterministic from the seed; a problem's split comes from {@link Splits}, so no problem is in two splits.
 */
public final class MathProblemGenerator implements SdgGenerator<MathProblemGenerator.MathProblem> {

    public static final String DATASET = "math";

    private final long seed;
    private final SdgOptions options;
    private final SplittableRandom random;

    /** Easy problems, every response correct. */
    public MathProblemGenerator(long seed) {
        this(seed, SdgOptions.CLEAN_EASY);
    }

    public MathProblemGenerator(long seed, SdgOptions options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
    }

    /**
     * A problem with its response; {@code answer} is always the correct answer (the Prompt's expected answer), also
     * when the response is {@code wrong}.
     */
    public record MathProblem(String canonical, String prompt, String response, String answer, Split split,
                              Difficulty difficulty, boolean wrong) implements SdgExample {
        @Override
        public Prompt toPrompt(String source) {
            return MathPrompts.toPrompt(this, source);
        }
    }

    @Override
    public String dataset() {
        return DATASET;
    }

    @Override
    public SdgOptions options() {
        return options;
    }

    /** One random problem of any split, with its correct solution. */
    @Override
    public MathProblem next() {
        int digits = options.difficulty().mathDigits();
        int low = (int) pow10(digits - 1);
        int a = random.nextInt(low, low * 10);
        int b = random.nextInt(low, low * 10);
        boolean add = random.nextBoolean();
        if (!add && b > a) {
            int swap = a;
            a = b;
            b = swap;
        }
        String canonical = a + (add ? "+" : "-") + b;
        ColumnArithmetic.Worked worked = work(canonical, ColumnArithmetic.Slip.NONE);
        return problem(canonical, worked, Long.toString(worked.answer()), false);
    }

    /** The same problem with one column slipped; the slip is chosen from the seed and the problem. */
    @Override
    public Optional<MathProblem> wrong(MathProblem problem) {
        SplittableRandom slips = SdgGenerator.mistakes(seed, problem);
        int column = slips.nextInt(options.difficulty().mathDigits());
        int delta = slips.nextBoolean() ? 1 : -1;
        ColumnArithmetic.Worked worked = work(problem.canonical(), new ColumnArithmetic.Slip(column, delta));
        if (!worked.plausible(column)) {
            worked = work(problem.canonical(), new ColumnArithmetic.Slip(column, -delta));
        }
        return Optional.of(problem(problem.canonical(), worked, problem.answer(), true));
    }

    private ColumnArithmetic.Worked work(String canonical, ColumnArithmetic.Slip slip) {
        boolean add = canonical.contains("+");
        String[] operands = canonical.split("[+-]");
        long a = Long.parseLong(operands[0]);
        long b = Long.parseLong(operands[1]);
        int digits = options.difficulty().mathDigits();
        return add ? ColumnArithmetic.add(a, b, digits, slip) : ColumnArithmetic.subtract(a, b, digits, slip);
    }

    private MathProblem problem(String canonical, ColumnArithmetic.Worked worked, String correctAnswer, boolean wrong) {
        String response = worked.solution() + " " + FinalAnswer.format(Long.toString(worked.answer()));
        return new MathProblem(canonical, "What is " + canonical + "?", response, correctAnswer, Splits.of(canonical),
                options.difficulty(), wrong);
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}
