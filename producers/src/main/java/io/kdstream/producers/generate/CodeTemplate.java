package io.kdstream.producers.generate;

import io.kdstream.tinylang.TestCase;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One family of code tasks: parameters make each problem of the family (e.g. "return x plus 7"); the task text,
 * the reference program in tinylang and the expected outputs all follow from them. The expected outputs come from
 * {@link #expected} (plain Java), independent of the reference program, so a test can check one against the other.
 */
record CodeTemplate(String name, List<String> inputs, Parameters parameters, Text task, Text program, Inputs draw, Oracle expected) {

    interface Parameters {
        long[] draw(SplittableRandom random);
    }

    interface Text {
        String of(long[] p);
    }

    /** One test input: a value for each of {@link #inputs}, in order. */
    interface Inputs {
        long[] draw(SplittableRandom random, long[] p);
    }

    interface Oracle {
        long of(long[] p, long[] in);
    }

    /** The test case of problem {@code p} at {@code values}: each input named, the expected output from the oracle. */
    TestCase testCase(long[] p, long[] values) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (int v = 0; v < values.length; v++) {
            named.put(inputs.get(v), values[v]);
        }
        return new TestCase(named, expected.of(p, values));
    }

    /** {@code count} inputs, each drawn uniformly from [low, high]. */
    static Inputs uniform(int low, int high, int count) {
        return (random, p) -> random.longs(count, low, high + 1L).toArray();
    }

    /** One parameter from [low, high]. */
    static Parameters between(int low, int high) {
        return random -> new long[] {random.nextInt(low, high + 1)};
    }

    /** Two parameters, from [lowA, highA] and [lowB, highB]. */
    static Parameters between(int lowA, int highA, int lowB, int highB) {
        return random -> new long[] {random.nextInt(lowA, highA + 1), random.nextInt(lowB, highB + 1)};
    }
}
