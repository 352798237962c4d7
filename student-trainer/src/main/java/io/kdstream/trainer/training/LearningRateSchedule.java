package io.kdstream.trainer.training;

import java.util.Arrays;

/** What the learning rate does after the linear warm-up; {@link TrainingConfig#learningRateAt} computes it. */
public enum LearningRateSchedule {

    /** Stays at the peak learning rate. */
    CONSTANT("constant"),

    /** Half a cosine from the peak down to the minimum learning rate at the decay step, then stays at the minimum. */
    COSINE("cosine");

    private final String configName;

    LearningRateSchedule(String configName) {
        this.configName = configName;
    }

    /** The name used in settings, checkpoint metadata and events. */
    public String configName() {
        return configName;
    }

    /** Reads a {@link #configName()}, ignoring case. */
    public static LearningRateSchedule parse(String name) {
        for (LearningRateSchedule schedule : values()) {
            if (schedule.configName.equalsIgnoreCase(name.trim())) {
                return schedule;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "'; expected one of "
                + Arrays.stream(values()).map(LearningRateSchedule::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
