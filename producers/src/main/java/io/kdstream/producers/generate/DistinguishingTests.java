package io.kdstream.producers.generate;

import io.kdstream.tinylang.Program;
import io.kdstream.tinylang.ProgramException;
import io.kdstream.tinylang.TestCase;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Test cases that tell a reference program from its near misses. A handful of random inputs often cannot: five of
 * them let more than half of the medium and hard tasks accept a program one mistake away from the reference that
 * answers differently elsewhere in the task's inputs (a boundary moved by one, a digit compared with the wrong
 * value), so pass@1 counted such programs as right. For every near miss ({@link WrongPrograms#mutants}) that passes
 * the tests so far, inputs are drawn from the task's own input distribution until one tells it from the reference,
 * and that input becomes a test too. A near miss no draw tells apart answers as the reference does on what the task
 * asks (e.g. a loop's bound moved past a value that adds nothing), and passing it is right.
 */
final class DistinguishingTests {

    /**
     * Inputs drawn at most for the near misses still standing, about 17 ms a hard task. Checked against 2,000 fresh
     * draws, 512 leave no near miss that answers otherwise in 300 hard or expert tasks, and one in 9 % of medium and 3 %
     * of broad tasks: maxdigit's, which differ from the reference at one input in a thousand (x = 0 or 1).
     */
    static final int MAX_DRAWS = 512;

    private DistinguishingTests() {
    }

    /** {@code tests}, then one more for each input drawn from {@code inputs} that tells a near miss still passing them. */
    static List<TestCase> extend(CodeTemplate template, long[] parameters, String reference, List<TestCase> tests, long stepLimit,
                                 SplittableRandom inputs) {
        List<Program> standing = new ArrayList<>();
        for (String mutant : WrongPrograms.mutants(reference)) {
            if (WrongPrograms.passedCases(mutant, tests, stepLimit).equals(Optional.of(tests.size()))) {
                standing.add(parse(mutant));
            }
        }
        List<TestCase> extended = new ArrayList<>(tests);
        for (int draw = 0; draw < MAX_DRAWS && !standing.isEmpty(); draw++) {
            TestCase candidate = template.testCase(parameters, template.draw().draw(inputs, parameters));
            boolean tells = false;
            for (Iterator<Program> it = standing.iterator(); it.hasNext(); ) {
                if (!passes(it.next(), candidate, stepLimit)) {
                    it.remove();
                    tells = true;
                }
            }
            if (tells) {
                extended.add(candidate);
            }
        }
        return List.copyOf(extended);
    }

    private static Program parse(String source) {
        try {
            return Program.parse(source);
        } catch (ProgramException e) {
            throw new IllegalStateException("a near miss that passed its tests does not parse: " + source, e);
        }
    }

    private static boolean passes(Program program, TestCase test, long stepLimit) {
        try {
            return program.run(test.inputs(), stepLimit) == test.expected();
        } catch (ProgramException e) {
            return false;
        }
    }
}
