package io.kdstream.evaluator.scoring;

import io.kdstream.schemas.answers.FinalAnswer;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.tinylang.TestCase;

import java.util.List;
import java.util.Optional;

/**
 * Whether a generated response solves its held-out task. A code task (its Prompt carries tinylang test cases)
 * passes when the response, run as a program, passes every case within the step limit (pass@1 with greedy
 * decoding); any other task is right when its final answer matches the expected one exactly.
 */
public final class TaskJudge {

    public static final String FAMILY_KEY = "family";
    public static final String PROBLEM_KEY = "problem";

    private final long stepLimit;

    public TaskJudge(long stepLimit) {
        this.stepLimit = stepLimit;
    }

    public static boolean isCodeTask(Prompt prompt) {
        return prompt.getMetadata().containsKey(TestCase.METADATA_KEY);
    }

    /**
     * The prompt's problem family, which results are also broken down by: its metadata's {@value #FAMILY_KEY}, else the
     * part of its {@value #PROBLEM_KEY} before ':' (the code generator writes "template:parameters"); empty with neither.
     */
    public static Optional<String> family(Prompt prompt) {
        String family = prompt.getMetadata().get(FAMILY_KEY);
        if (family != null && !family.isBlank()) {
            return Optional.of(family);
        }
        String problem = prompt.getMetadata().get(PROBLEM_KEY);
        int colon = problem == null ? -1 : problem.indexOf(':');
        return colon > 0 ? Optional.of(problem.substring(0, colon)) : Optional.empty();
    }

    /** Whether a held-out prompt can be judged at all: it has an expected answer or test cases. */
    public static boolean isScorable(Prompt prompt) {
        return isCodeTask(prompt) || prompt.getExpectedAnswer() != null;
    }

    /** @throws IllegalArgumentException naming the prompt when its test cases cannot be read */
    public boolean solves(Prompt prompt, String generated) {
        if (!isCodeTask(prompt)) {
            return FinalAnswer.matches(generated, prompt.getExpectedAnswer());
        }
        List<TestCase> cases;
        try {
            cases = TestCase.decode(prompt.getMetadata().get(TestCase.METADATA_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prompt " + prompt.getId() + ": metadata '" + TestCase.METADATA_KEY + "': " + e.getMessage(), e);
        }
        return TestCase.allPass(generated, cases, stepLimit);
    }
}
