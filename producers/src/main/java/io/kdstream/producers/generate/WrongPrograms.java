package io.kdstream.producers.generate;

import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.ProgramException;
import io.kdstream.tinylang.TestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Plausible wrong programs for a code task, as a model writing SDG data gets one wrong: the reference program with
 * one off-by-one mistake (an integer literal one off, a comparison's boundary moved: {@code <} for {@code <=}) or
 * one wrong-branch mistake (a comparison reversed, {@code !=} for {@code ==}). A mistake is kept only when the
 * program still parses and runs on every test case within the step limit, but fails at least one; those that also
 * pass at least one (the likeliest to go unnoticed) are preferred.
 */
final class WrongPrograms {

    /** Two-character comparisons first, so {@code <=} is not read as {@code <}. */
    private static final Map<String, List<String>> COMPARISONS = Map.of(
            "<=", List.of("<", ">="), ">=", List.of(">", "<="), "==", List.of("!="), "!=", List.of("=="),
            "<", List.of("<=", ">"), ">", List.of(">=", "<"));

    private WrongPrograms() {
    }

    /** A wrong program for the task, chosen with {@code random}; empty when no mistake above qualifies. */
    static Optional<String> pick(String source, List<TestCase> tests, int maxChars, long stepLimit, SplittableRandom random) {
        List<String> failing = new ArrayList<>();
        List<String> failingSome = new ArrayList<>();
        for (String mutant : mutants(source)) {
            if (mutant.length() > maxChars) {
                continue;
            }
            Optional<Integer> passed = passedCases(mutant, tests, stepLimit);
            if (passed.isPresent() && passed.get() < tests.size()) {
                failing.add(mutant);
                if (passed.get() > 0) {
                    failingSome.add(mutant);
                }
            }
        }
        List<String> choices = failingSome.isEmpty() ? failing : failingSome;
        return choices.isEmpty() ? Optional.empty() : Optional.of(choices.get(random.nextInt(choices.size())));
    }

    /** Every program one mistake away from {@code source}, in source order. */
    static List<String> mutants(String source) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            String comparison = comparisonAt(source, i);
            if (comparison != null) {
                for (String replacement : COMPARISONS.get(comparison)) {
                    out.add(source.substring(0, i) + replacement + source.substring(i + comparison.length()));
                }
                i += comparison.length();
            } else if (Character.isLetter(c) || c == '_') {
                while (i < source.length() && (Character.isLetterOrDigit(source.charAt(i)) || source.charAt(i) == '_')) {
                    i++; // a name, digits in it included
                }
            } else if (Character.isDigit(c)) {
                int end = i;
                while (end < source.length() && Character.isDigit(source.charAt(end))) {
                    end++;
                }
                long value = Long.parseLong(source.substring(i, end));
                for (long other : new long[] {value + 1, value - 1}) {
                    if (other >= 0) {
                        out.add(source.substring(0, i) + other + source.substring(end));
                    }
                }
                i = end;
            } else {
                i++;
            }
        }
        return out;
    }

    private static String comparisonAt(String source, int i) {
        String two = source.substring(i, Math.min(i + 2, source.length()));
        if (COMPARISONS.containsKey(two)) {
            return two;
        }
        String one = source.substring(i, i + 1);
        return COMPARISONS.containsKey(one) ? one : null;
    }

    /** How many cases the program passes; empty when it does not parse or fails to run on any case. */
    static Optional<Integer> passedCases(String source, List<TestCase> tests, long stepLimit) {
        try {
            Program program = Program.parse(source);
            int passed = 0;
            for (TestCase test : tests) {
                if (program.run(test.inputs(), stepLimit) == test.expected()) {
                    passed++;
                }
            }
            return Optional.of(passed);
        } catch (ProgramException e) {
            return Optional.empty();
        }
    }
}
