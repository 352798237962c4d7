package io.kdstream.producers.generate;

import java.util.List;
import java.util.stream.Stream;

import static io.kdstream.producers.generate.CodeTemplate.between;
import static io.kdstream.producers.generate.CodeTemplate.uniform;

/**
 * The families of synthetic code tasks, in the spirit of MBPP: one-sentence tasks over integers x (and y) whose
 * reference solutions are short tinylang programs with loops and branches. Texts are terse on purpose: task and
 * program together fit the default models' 96-token context. The easy families are here, the harder ones in
 * {@link HarderCodeTemplates}.
 */
final class CodeTemplates {

    /** BOS, SEP and EOS take three of the default models' 96 positions; a little room is kept besides. */
    static final int MAX_EXAMPLE_CHARS = 90;

    private CodeTemplates() {
    }

    static List<CodeTemplate> of(Difficulty difficulty) {
        return switch (difficulty) {
            case EASY -> EASY;
            case MEDIUM -> HarderCodeTemplates.MEDIUM;
            case HARD -> HarderCodeTemplates.HARD;
            case EXPERT -> ByExampleCodeTemplates.EXPERT;
            case BROAD -> BROAD;
        };
    }

    static final List<CodeTemplate> EASY = List.of(
            new CodeTemplate("add", List.of("x"), between(1, 60),
                    p -> "Return x plus " + p[0] + ".", p -> "return x+" + p[0],
                    uniform(0, 99, 1), (p, in) -> in[0] + p[0]),
            new CodeTemplate("linear", List.of("x"), between(2, 12, 1, 60),
                    p -> "Return " + p[0] + " times x plus " + p[1] + ".", p -> "return " + p[0] + "*x+" + p[1],
                    uniform(0, 99, 1), (p, in) -> p[0] * in[0] + p[1]),
            new CodeTemplate("maxplus", List.of("x", "y"), between(1, 60),
                    p -> "Return the larger of x and y, plus " + p[0] + ".", p -> "if x>y{return x+" + p[0] + "}return y+" + p[0],
                    uniform(0, 99, 2), (p, in) -> Math.max(in[0], in[1]) + p[0]),
            new CodeTemplate("sumfrom", List.of("x"), between(0, 30),
                    p -> "Return the sum of the numbers from " + p[0] + " to x.", p -> "s=0;i=" + p[0] + ";while i<=x{s=s+i;i=i+1}return s",
                    uniform(0, 60, 1), (p, in) -> in[0] < p[0] ? 0 : (p[0] + in[0]) * (in[0] - p[0] + 1) / 2),
            new CodeTemplate("multiples", List.of("x"), between(2, 12),
                    p -> "Count the multiples of " + p[0] + " in 1 to x.", p -> "c=0;while x>0{if x%" + p[0] + "==0{c=c+1}x=x-1}return c",
                    uniform(0, 99, 1), (p, in) -> in[0] / p[0]),
            new CodeTemplate("power", List.of("x"), between(2, 6),
                    p -> "Return x to the power " + p[0] + ".", p -> "r=1;i=0;while i<" + p[0] + "{r=r*x;i=i+1}return r",
                    uniform(0, 9, 1), (p, in) -> (long) Math.pow(in[0], p[0])),
            new CodeTemplate("digitsum", List.of("x"), between(2, 10),
                    p -> "Return the digit sum of x in base " + p[0] + ".", p -> "s=0;while x>0{s=s+x%" + p[0] + ";x=x/" + p[0] + "}return s",
                    uniform(0, 999, 1), (p, in) -> digitSum(in[0], p[0])),
            new CodeTemplate("divisible", List.of("x"), between(2, 20),
                    p -> "Return 1 if " + p[0] + " divides x, else 0.", p -> "if x%" + p[0] + "==0{return 1}return 0",
                    (random, p) -> new long[] {random.nextBoolean() ? p[0] * random.nextInt(0, 10) : random.nextInt(0, 100)},
                    (p, in) -> in[0] % p[0] == 0 ? 1 : 0),
            new CodeTemplate("distance", List.of("x", "y"), between(1, 12),
                    p -> "Return " + p[0] + " times the distance of x and y.", p -> "d=x-y;if d<0{d=-d}return " + p[0] + "*d",
                    uniform(0, 99, 2), (p, in) -> p[0] * Math.abs(in[0] - in[1])),
            new CodeTemplate("series", List.of("x"), between(0, 20, 1, 20),
                    p -> "Fibonacci-like from " + p[0] + "," + p[1] + ": return term x.", p -> "p=" + p[0] + ";q=" + p[1] + ";while x>0{t=p+q;p=q;q=t;x=x-1}return p",
                    uniform(0, 15, 1), (p, in) -> seriesTerm(p[0], p[1], in[0])),
            new CodeTemplate("clamp", List.of("x"), random -> {
                        int low = random.nextInt(0, 31);
                        return new long[] {low, low + random.nextInt(1, 41)};
                    },
                    p -> "Return x kept between " + p[0] + " and " + p[1] + ".", p -> "if x<" + p[0] + "{return " + p[0] + "}if x>" + p[1] + "{return " + p[1] + "}return x",
                    (random, p) -> new long[] {random.nextLong(Math.max(0, p[0] - 10), p[1] + 11)},
                    (p, in) -> Math.min(Math.max(in[0], p[0]), p[1])));

    /** The broad level: every family of the three levels below expert, each drawn as often. */
    static final List<CodeTemplate> BROAD = Stream.of(EASY, HarderCodeTemplates.MEDIUM, HarderCodeTemplates.HARD)
            .flatMap(List::stream).toList();

    private static long digitSum(long x, long base) {
        long sum = 0;
        for (long rest = x; rest > 0; rest /= base) {
            sum += rest % base;
        }
        return sum;
    }

    private static long seriesTerm(long first, long second, long index) {
        long p = first;
        long q = second;
        for (long i = 0; i < index; i++) {
            long next = p + q;
            p = q;
            q = next;
        }
        return p;
    }
}
