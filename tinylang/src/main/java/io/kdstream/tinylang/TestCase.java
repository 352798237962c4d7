package io.kdstream.tinylang;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One input/output example of a code task. A task's cases travel as text in the Prompt's metadata
 * ({@link #METADATA_KEY}), e.g. {@code x=3,y=4->7;x=0,y=1->1}: the code generator writes them and the evaluator
 * reads them, so this format is their contract.
 */
public record TestCase(Map<String, Long> inputs, long expected) {

    public static final String METADATA_KEY = "tests";
    /** Also in the metadata, so a reader knows which language the response is written in. */
    public static final String LANGUAGE_KEY = "language";

    public TestCase {
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }

    public static String encode(List<TestCase> cases) {
        return cases.stream().map(c -> c.inputs().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(",")) + "->" + c.expected()).collect(Collectors.joining(";"));
    }

    /** @throws IllegalArgumentException naming the case that is malformed */
    public static List<TestCase> decode(String text) {
        List<TestCase> out = new ArrayList<>();
        for (String item : text.split(";")) {
            String[] sides = item.split("->", -1);
            if (sides.length != 2) {
                throw new IllegalArgumentException("test case '" + item + "' is not of the form x=1,y=2->3");
            }
            Map<String, Long> inputs = new LinkedHashMap<>();
            try {
                for (String assignment : sides[0].split(",")) {
                    String[] pair = assignment.split("=", -1);
                    if (pair.length != 2 || pair[0].isBlank()) {
                        throw new IllegalArgumentException("input '" + assignment + "' is not of the form name=value");
                    }
                    inputs.put(pair[0].trim(), Long.parseLong(pair[1].trim()));
                }
                out.add(new TestCase(inputs, Long.parseLong(sides[1].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("test case '" + item + "' has a value that is not an integer: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Whether the program passes every case; a program that does not parse, fails or runs past the step limit on a
     * case does not pass.
     */
    public static boolean allPass(String source, List<TestCase> cases, long stepLimit) {
        try {
            Program program = Program.parse(source);
            for (TestCase testCase : cases) {
                if (program.run(testCase.inputs(), stepLimit) != testCase.expected()) {
                    return false;
                }
            }
            return true;
        } catch (ProgramException e) {
            return false;
        }
    }
}
