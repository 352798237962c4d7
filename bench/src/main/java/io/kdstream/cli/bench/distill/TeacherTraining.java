package io.kdstream.cli.bench.distill;

import java.util.Locale;

/**
 * How a cohort's teacher is trained and when it is good enough: {@code steps} at the constant peak learning rate, then
 * a cool-down of {@code coolDownSteps}; where {@code gate} is set, the cooled teacher must reach it on clean validation
 * problems of both datasets (never the test sets), or it trains on, another {@code steps} from where its stable phase
 * ended and cooled again, up to {@code maxRounds} stable phases ({@link TeacherGate}).
 *
 * @param gate      math exact match and code pass@1 the teacher must each reach on validation problems; 0 for no gate
 * @param maxRounds the most stable phases of {@code steps} a teacher trains before it is used below the gate
 */
public record TeacherTraining(long steps, long coolDownSteps, double gate, int maxRounds) {

    public TeacherTraining {
        if (steps <= 0 || coolDownSteps < 0 || !(gate >= 0 && gate <= 1) || maxRounds < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "teacher training needs steps > 0, a cool-down >= 0, a gate in [0, 1] and at least one round; got %d, %d, %s, %d",
                    steps, coolDownSteps, gate, maxRounds));
        }
    }

    /** The control's teacher: one stable phase, no cool-down, no gate (as its cached teacher was trained). */
    public static TeacherTraining stable(long steps) {
        return new TeacherTraining(steps, 0, 0, 1);
    }

    /** For the results' digest: a teacher of one stable phase is written as its steps alone, as before cool-downs existed. */
    String recipe() {
        return coolDownSteps == 0 && gate == 0 ? Long.toString(steps)
                : String.format(Locale.ROOT, "%d cool %d gate %s rounds %d", steps, coolDownSteps, gate, maxRounds);
    }

    /** The recipe in words, for reports. */
    public String describe() {
        return String.format(Locale.ROOT, "%,d steps at a constant learning rate", steps)
                + (coolDownSteps > 0 ? String.format(Locale.ROOT, ", then a %,d-step cosine cool-down", coolDownSteps) : "")
                + (gate > 0 ? String.format(Locale.ROOT, "; gate %.2f on validation problems, trained on up to %d x the steps", gate, maxRounds) : "");
    }
}
