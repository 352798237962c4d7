package io.kdstream.producers.generate;

import java.util.List;

import static io.kdstream.producers.generate.CodeTemplate.between;
import static io.kdstream.producers.generate.CodeTemplate.uniform;

/**
 * The medium and hard families of code tasks: longer programs with more branches than the easy ones in
 * {@link CodeTemplates}. Medium programs have a loop with a branch, or two branches; hard ones nested loops, an
 * if/else inside a loop, or a combined condition. Task and program together still fit the default models' 96-token
 * context ({@link CodeTemplates#MAX_EXAMPLE_CHARS}), which is what bounds how long they can be. Both levels'
 * parameters range widely so that there are enough distinct problems for a strong teacher's training set of 10,000
 * and a test set of 500: medium through two-digit constants and an added offset (about 15,000 train and 1,900 test
 * problems in all), hard through what changes the program's behaviour (loop bounds and steps, moduli, thresholds,
 * bases; about 12,200 train and 1,550 test problems), and a seventh hard family (residues in a range, a combined
 * condition) adds problems where the others' texts leave no room for more parameters.
 */
final class HarderCodeTemplates {

    private HarderCodeTemplates() {
    }

    static final List<CodeTemplate> MEDIUM = List.of(
            new CodeTemplate("signs", List.of("x"), between(1, 99, 0, 99),
                    p -> "Return " + p[0] + " if x>" + p[1] + ", -" + p[0] + " if x<" + p[1] + ", else 0.",
                    p -> "if x>" + p[1] + "{return " + p[0] + "}if x<" + p[1] + "{return -" + p[0] + "}return 0",
                    (random, p) -> new long[] {random.nextLong(Math.max(0, p[1] - 6), p[1] + 7)},
                    (p, in) -> Long.signum(in[0] - p[1]) * p[0]),
            new CodeTemplate("multsum", List.of("x"), between(2, 30, 0, 60),
                    p -> "Sum the multiples of " + p[0] + " from " + p[1] + " to x.",
                    p -> "s=0;i=" + p[1] + ";while i<=x{if i%" + p[0] + "==0{s=s+i}i=i+1}return s",
                    uniform(0, 120, 1), (p, in) -> multiplesSum(p[0], p[1], in[0])),
            new CodeTemplate("basecount", List.of("x"), random -> {
                        int base = random.nextInt(2, 11);
                        return new long[] {base, random.nextInt(0, base)};
                    },
                    p -> "Count the base-" + p[0] + " digits of x equal to " + p[1] + ".",
                    p -> "c=0;while x>0{if x%" + p[0] + "==" + p[1] + "{c=c+1}x=x/" + p[0] + "}return c",
                    uniform(0, 999, 1), (p, in) -> digitCount(in[0], p[0], p[1])),
            new CodeTemplate("maxdigit", List.of("x"), between(3, 10, 0, 99),
                    p -> "Largest base-" + p[0] + " digit of x, plus " + p[1] + ".",
                    p -> "m=0;while x>0{if x%" + p[0] + ">m{m=x%" + p[0] + "}x=x/" + p[0] + "}return m+" + p[1],
                    uniform(0, 999, 1), (p, in) -> largestDigit(in[0], p[0]) + p[1]),
            new CodeTemplate("gcd", List.of("x"), between(2, 99, 0, 40),
                    p -> "Return the gcd of x and " + p[0] + ", plus " + p[1] + ".",
                    p -> "y=" + p[0] + ";while y>0{t=x%y;x=y;y=t}return x+" + p[1],
                    uniform(0, 99, 1), (p, in) -> gcd(in[0], p[0]) + p[1]),
            new CodeTemplate("stepsdown", List.of("x"), random -> {
                        int step = random.nextInt(2, 20);
                        return new long[] {step, random.nextInt(step, 41)};
                    },
                    p -> "Steps to 0: x-" + p[0] + " if x>=" + p[1] + " else x-1.",
                    p -> "c=0;while x>0{if x>=" + p[1] + "{x=x-" + p[0] + "}else{x=x-1}c=c+1}return c",
                    uniform(0, 99, 1), (p, in) -> stepsDown(in[0], p[0], p[1])),
            new CodeTemplate("divisors", List.of("x"), between(0, 40, 0, 40),
                    p -> "Count divisors of x above " + p[0] + ", plus " + p[1] + ".",
                    p -> "c=" + p[1] + ";i=" + (p[0] + 1) + ";while i<=x{if x%i==0{c=c+1}i=i+1}return c",
                    uniform(1, 99, 1), (p, in) -> divisorsAbove(in[0], p[0]) + p[1]));

    static final List<CodeTemplate> HARD = List.of(
            new CodeTemplate("primes", List.of("x"), between(2, 60, 1, 9),
                    p -> "Count primes x-" + p[1] + "k>=" + p[0] + ".",
                    p -> "c=0;while x>=" + p[0] + "{d=2;while x%d>0{d=d+1}if d==x{c=c+1}x=x-" + p[1] + "}return c",
                    uniform(0, 99, 1), (p, in) -> primesStepping(in[0], p[1], p[0])),
            new CodeTemplate("collatz", List.of("x"), between(1, 40, 0, 99),
                    p -> "Collatz steps to <=" + p[0] + ", plus " + p[1] + ".",
                    p -> "c=" + p[1] + ";while x>" + p[0] + "{if x%2==0{x=x/2}else{x=3*x+1}c=c+1}return c",
                    uniform(1, 99, 1), (p, in) -> collatzSteps(in[0], p[0]) + p[1]),
            new CodeTemplate("orcount", List.of("x"), random -> {
                        int a = random.nextInt(2, 41);
                        return new long[] {a, random.nextInt(a + 1, 100)};
                    },
                    p -> "Count 1..x divisible by " + p[0] + " or " + p[1] + ".",
                    p -> "c=0;while x>0{if x%" + p[0] + "==0||x%" + p[1] + "==0{c=c+1}x=x-1}return c",
                    uniform(0, 199, 1), (p, in) -> in[0] / p[0] + in[0] / p[1] - in[0] / lcm(p[0], p[1])),
            new CodeTemplate("fizzsum", List.of("x"), between(0, 99, 2, 40),
                    p -> "Sum 1..x, multiples of " + p[1] + " as " + p[0] + ".",
                    p -> "s=0;while x>0{if x%" + p[1] + "==0{s=s+" + p[0] + "}else{s=s+x}x=x-1}return s",
                    uniform(0, 99, 1), (p, in) -> fizzSum(in[0], p[1], p[0])),
            new CodeTemplate("pairsum", List.of("x"), random -> {
                        int above = random.nextInt(0, 9);
                        return new long[] {random.nextInt(2 * above + 3, 91), above};
                    },
                    p -> "Count " + p[1] + "<j<k<=x, j+k=" + p[0] + ".",
                    p -> "c=0;while x>0{j=" + (p[1] + 1) + ";while j<x{if x+j==" + p[0] + "{c=c+1}j=j+1}x=x-1}return c",
                    uniform(0, 50, 1), (p, in) -> pairsSumming(in[0], p[0], p[1])),
            new CodeTemplate("digitroot", List.of("x"), between(3, 10, 0, 99),
                    p -> "x's base-" + p[0] + " digital root, plus " + p[1] + ".",
                    p -> "while x>" + (p[0] - 1) + "{s=0;while x>0{s=s+x%" + p[0] + ";x=x/" + p[0] + "}x=s}return x+" + p[1],
                    uniform(0, 9999, 1), (p, in) -> digitalRoot(in[0], p[0]) + p[1]),
            new CodeTemplate("rescount", List.of("x"), random -> {
                        int modulus = random.nextInt(3, 26);
                        int low = random.nextInt(1, modulus - 1);
                        return new long[] {modulus, low, random.nextInt(low + 1, modulus)};
                    },
                    p -> "Count 1..x with " + p[1] + "<=i%" + p[0] + "<" + p[2] + ".",
                    p -> "c=0;while x>0{if x%" + p[0] + ">=" + p[1] + "&&x%" + p[0] + "<" + p[2] + "{c=c+1}x=x-1}return c",
                    uniform(0, 199, 1), (p, in) -> residuesBetween(in[0], p[0], p[1], p[2])));

    private static long multiplesSum(long modulus, long from, long to) {
        long sum = 0;
        for (long i = from; i <= to; i++) {
            sum += i % modulus == 0 ? i : 0;
        }
        return sum;
    }

    private static long digitCount(long x, long base, long digit) {
        long count = 0;
        for (long rest = x; rest > 0; rest /= base) {
            count += rest % base == digit ? 1 : 0;
        }
        return count;
    }

    private static long largestDigit(long x, long base) {
        long largest = 0;
        for (long rest = x; rest > 0; rest /= base) {
            largest = Math.max(largest, rest % base);
        }
        return largest;
    }

    /** Steps to reach 0 taking {@code step} while x >= {@code bound} (bound >= step), else 1. */
    private static long stepsDown(long x, long step, long bound) {
        long steps = 0;
        for (long rest = x; rest > 0; steps++) {
            rest -= rest >= bound ? step : 1;
        }
        return steps;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long divisorsAbove(long x, long bound) {
        long count = 0;
        for (long i = bound + 1; i <= x; i++) {
            count += x % i == 0 ? 1 : 0;
        }
        return count;
    }

    /** Primes among x, x - step, x - 2 step, ... down to {@code from} (from >= 2). */
    private static long primesStepping(long x, long step, long from) {
        long count = 0;
        for (long n = x; n >= from; n -= step) {
            boolean prime = true;
            for (long d = 2; d * d <= n && prime; d++) {
                prime = n % d != 0;
            }
            count += prime ? 1 : 0;
        }
        return count;
    }

    /** Collatz steps until x is at most {@code bound} (bound >= 1). */
    private static long collatzSteps(long x, long bound) {
        long steps = 0;
        for (long n = x; n > bound; n = n % 2 == 0 ? n / 2 : 3 * n + 1) {
            steps++;
        }
        return steps;
    }

    private static long fizzSum(long x, long modulus, long replacement) {
        long sum = 0;
        for (long i = 1; i <= x; i++) {
            sum += i % modulus == 0 ? replacement : i;
        }
        return sum;
    }

    /** Pairs above < j < k <= x with j + k = sum. */
    private static long pairsSumming(long x, long sum, long above) {
        long count = 0;
        for (long k = 1; k <= x; k++) {
            long j = sum - k;
            count += j > above && j < k ? 1 : 0;
        }
        return count;
    }

    private static long digitalRoot(long x, long base) {
        return x == 0 ? 0 : 1 + (x - 1) % (base - 1);
    }

    /** Numbers i in 1..x with low <= i % modulus < high. */
    private static long residuesBetween(long x, long modulus, long low, long high) {
        long count = 0;
        for (long i = 1; i <= x; i++) {
            count += i % modulus >= low && i % modulus < high ? 1 : 0;
        }
        return count;
    }
}
