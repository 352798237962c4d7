package io.kdstream.producers.generate;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.kdstream.producers.generate.CodeTemplate.uniform;

/**
 * Code tasks written from examples (programming by example): the task gives the function's form and its value at two
 * points, and the program must state the constants those values imply ("f(x)=a*x+b with f(3)=17, f(8)=42" is
 * {@code return 5*x+2}). The other families' programs copy the numbers of their task text into a fixed shape, which
 * even a small model learns from a few hundred examples; here the constants have to be worked out (a difference, a
 * quotient, a product), so a model's capacity to compute shows. Two points determine each form's constants, so every
 * task has one answer, and the tests (inputs 0-99) check the program at points the task does not show. Working the
 * constants out without written steps is beyond the models here so far: the seed-like 1.2M-parameter teacher solved
 * 0.00-0.12 of each family after 6,600 steps (BENCHMARKS.md).
 */
final class ByExampleCodeTemplates {

    private ByExampleCodeTemplates() {
    }

    static final List<CodeTemplate> ALL = List.of(
            // the values at 0 and 1: b is read off, a is one subtraction
            new CodeTemplate("affine01", List.of("x"), random -> new long[] {random.nextInt(2, 13), random.nextInt(0, 61)},
                    p -> "f(x)=a*x+b with f(0)=" + p[1] + ", f(1)=" + (p[0] + p[1]) + ".",
                    p -> "return " + p[0] + "*x+" + p[1],
                    uniform(0, 99, 1), (p, in) -> p[0] * in[0] + p[1]),
            new CodeTemplate("affine", List.of("x"), ByExampleCodeTemplates::affine,
                    p -> "f(x)=a*x+b with f(" + p[2] + ")=" + (p[0] * p[2] + p[1]) + ", f(" + p[3] + ")=" + (p[0] * p[3] + p[1]) + ".",
                    p -> "return " + p[0] + "*x+" + p[1],
                    uniform(0, 99, 1), (p, in) -> p[0] * in[0] + p[1]),
            new CodeTemplate("quadratic", List.of("x"), random -> withTwoPoints(random, random.nextInt(1, 10), random.nextInt(0, 41), 9),
                    p -> "f(x)=x*x+a*x+b with f(" + p[2] + ")=" + quadratic(p, p[2]) + ", f(" + p[3] + ")=" + quadratic(p, p[3]) + ".",
                    p -> "return x*x+" + p[0] + "*x+" + p[1],
                    uniform(0, 99, 1), (p, in) -> quadratic(p, in[0])),
            new CodeTemplate("plane", List.of("x", "y"), ByExampleCodeTemplates::plane,
                    p -> "f(x,y)=a*x+b*y with f(" + p[2] + "," + p[3] + ")=" + (p[0] * p[2] + p[1] * p[3]) + ", f(" + p[4] + "," + p[5] + ")="
                            + (p[0] * p[4] + p[1] * p[5]) + ".",
                    p -> "return " + p[0] + "*x+" + p[1] + "*y",
                    uniform(0, 99, 2), (p, in) -> p[0] * in[0] + p[1] * in[1]));

    /** The expert level: the hard families and these, so that about a third of the tasks need their constants worked out. */
    static final List<CodeTemplate> EXPERT = Stream.concat(HarderCodeTemplates.HARD.stream(), ALL.stream()).toList();

    /** {a, b, x1, x2} with two distinct points 0 <= x1 < x2 <= {@code highest}. */
    private static long[] withTwoPoints(SplittableRandom random, long a, long b, int highest) {
        int first = random.nextInt(0, highest);
        return new long[] {a, b, first, random.nextInt(first + 1, highest + 1)};
    }

    /**
     * {a, b, x1, x2} at any two points but 0 and 1: that task is affine01's word for word, and split by its own family
     * and constants it could fall in the other split.
     */
    private static long[] affine(SplittableRandom random) {
        long a = random.nextInt(2, 13);
        long b = random.nextInt(0, 61);
        while (true) {
            long[] p = withTwoPoints(random, a, b, 12);
            if (p[2] != 0 || p[3] != 1) {
                return p;
            }
        }
    }

    private static long quadratic(long[] p, long x) {
        return x * x + p[0] * x + p[1];
    }

    /** {a, b, x1, y1, x2, y2}: two points in [0, 6]^2 whose system for a and b has one solution. */
    private static long[] plane(SplittableRandom random) {
        long a = random.nextInt(2, 10);
        long b = random.nextInt(2, 10);
        while (true) {
            long[] points = random.ints(4, 0, 7).asLongStream().toArray();
            if (points[0] * points[3] - points[1] * points[2] != 0) {
                return new long[] {a, b, points[0], points[1], points[2], points[3]};
            }
        }
    }
}
