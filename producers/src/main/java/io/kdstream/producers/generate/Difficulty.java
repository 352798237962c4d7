package io.kdstream.producers.generate;

import java.util.List;
import java.util.Locale;

/**
 * How hard the generated problems are. {@link #EASY} is what the generators have always made (the same problems for
 * the same seed); the harder levels keep every example within the default models' 96-token context.
 */
public enum Difficulty {
    /** Two-digit arithmetic; the original code families, short programs of mostly one loop or branch. */
    EASY(2),
    /** Three-digit arithmetic; code tasks with a loop and a branch, or two branches. */
    MEDIUM(3),
    /** Four-digit arithmetic; code tasks with nested loops, if/else inside loops, or combined conditions. */
    HARD(4),
    /**
     * Five-digit arithmetic; the hard code tasks and, for about a third, tasks whose program states constants it has
     * to work out from the function's values at two points ({@link ByExampleCodeTemplates}).
     */
    EXPERT(5),
    /**
     * Four-digit arithmetic, as {@link #HARD}; every code family of the easy, medium and hard levels together (25
     * program shapes), so that a small model's capacity and each family's share of the data are spread thin while a
     * larger model trained on more of the same learns them all: a gap between teacher and student on code made of
     * tasks each learnable by itself ({@link CodeTemplates#BROAD}).
     */
    BROAD(4);

    private final int mathDigits;

    Difficulty(int mathDigits) {
        this.mathDigits = mathDigits;
    }

    /** The graded levels, easiest first: {@link #BROAD} is none of them but a mix of three. */
    public static List<Difficulty> graded() {
        return List.of(EASY, MEDIUM, HARD, EXPERT);
    }

    /** The digits of each operand of a math problem. */
    int mathDigits() {
        return mathDigits;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
