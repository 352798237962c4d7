package io.kdstream.cli.bench.distill;

import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.SdgOptions;

import java.util.Locale;
import java.util.Objects;

/**
 * How hard each dataset's problems are: one level for both, or math and code apart. They differ in what limits them:
 * math grows with the operands' digits, while code programs must fit the models' 96-token context, so the hard code
 * families are few and short of problems where hard math is not.
 */
public record TaskDifficulty(Difficulty math, Difficulty code) {

    public TaskDifficulty {
        Objects.requireNonNull(math, "math");
        Objects.requireNonNull(code, "code");
    }

    public static TaskDifficulty both(Difficulty level) {
        return new TaskDifficulty(level, level);
    }

    /** {@code medium} (both datasets) or {@code math=hard,code=medium} (each; one left out keeps {@code medium}). */
    public static TaskDifficulty parse(String text) {
        if (!text.contains("=")) {
            return both(level(text));
        }
        Difficulty math = Difficulty.MEDIUM;
        Difficulty code = Difficulty.MEDIUM;
        for (String part : text.split(",")) {
            String[] pair = part.split("=", 2);
            String dataset = pair[0].trim().toLowerCase(Locale.ROOT);
            if (pair.length != 2 || !(dataset.equals("math") || dataset.equals("code"))) {
                throw new IllegalArgumentException("difficulty '" + text + "': give one level (easy, medium, hard, expert, broad) or math=LEVEL,code=LEVEL");
            }
            if (dataset.equals("math")) {
                math = level(pair[1]);
            } else {
                code = level(pair[1]);
            }
        }
        return new TaskDifficulty(math, code);
    }

    private static Difficulty level(String name) {
        try {
            return Difficulty.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown difficulty '" + name.trim() + "': use easy, medium or hard", e);
        }
    }

    public boolean isUniform() {
        return math == code;
    }

    public SdgOptions mathOptions(double wrongShare) {
        return new SdgOptions(math, wrongShare);
    }

    public SdgOptions codeOptions(double wrongShare) {
        return new SdgOptions(code, wrongShare);
    }

    /** {@code medium}, or {@code math-hard-code-medium} where the datasets differ. */
    public String configName() {
        return isUniform() ? math.configName() : "math-" + math.configName() + "-code-" + code.configName();
    }

    @Override
    public String toString() {
        return isUniform() ? math.configName() : "math " + math.configName() + ", code " + code.configName();
    }
}
