package io.kdstream.trainer.training;

import io.kdstream.platform.config.ConfigNamed;

/** What the learning rate does after the linear warm-up; {@link TrainingConfig#learningRateAt} computes it. */
public enum LearningRateSchedule implements ConfigNamed {

    /** Stays at the peak learning rate. */
    CONSTANT("constant"),

    /** Half a cosine from the peak down to the minimum learning rate at the decay step, then stays at the minimum. */
    COSINE("cosine");

    private final String configName;

    LearningRateSchedule(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** Reads a {@link #configName()}, ignoring case. */
    public static LearningRateSchedule parse(String name) {
        return ConfigNamed.parse(LearningRateSchedule.class, "learning-rate schedule", name);
    }

    @Override
    public String toString() {
        return configName;
    }
}
