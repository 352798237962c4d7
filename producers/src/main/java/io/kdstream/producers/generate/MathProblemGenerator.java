package io.kdstream.producers.generate;

import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Split;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Synthetic math SDG in the spirit of OpenMathInstruct-2: two-digit addition and subtraction problems with a
 * worked, digit-by-digit solution and a final answer in the {@link FinalAnswer} convention.
 *
 * <p>Deterministic from the seed. A problem's split is a function of the problem alone (a hash of its canonical
 * form), so the same problem can never appear in two splits, whatever the seed or count.
 */
public final class MathProblemGenerator {

    public static final String DATASET = "math";

    private final SplittableRandom random;

    public MathProblemGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public record MathProblem(String canonical, String prompt, String response, String answer, Split split) {
    }

    /** The next {@code count} distinct problems of the wanted split. */
    public List<MathProblem> generate(int count, Split wanted) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        List<MathProblem> out = new ArrayList<>(count);
        int attempts = 0;
        while (out.size() < count) {
            if (++attempts > count * 200 + 10_000) {
                throw new IllegalStateException("cannot find " + count + " distinct " + wanted + " problems; only " + out.size() + " exist");
            }
            MathProblem problem = next();
            if (problem.split() == wanted && seen.add(problem.canonical())) {
                out.add(problem);
            }
        }
        return out;
    }

    /** One random problem of any split. */
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
        return new MathProblem(canonical, prompt, response, Integer.toString(answer), splitOf(canonical));
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

    /** 10 % test, 10 % validation, 80 % train, by a hash of the problem itself. */
    public static Split splitOf(String canonical) {
        CRC32 crc = new CRC32();
        crc.update(canonical.getBytes(StandardCharsets.UTF_8));
        long bucket = crc.getValue() % 10;
        return bucket == 0 ? Split.TEST : bucket == 1 ? Split.VALIDATION : Split.TRAIN;
    }
}
