package io.kdstream.trainer.training;

import io.kdstream.trainer.loss.DistillationLoss;
import io.kdstream.trainer.loss.KlDirection;
import io.kdstream.trainer.loss.LossVariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the student is trained. Recorded with every checkpoint ({@link #toMap()}), so a result can be traced to its
 * settings.
 *
 * @param kdWeight w_kd, weight of the distillation term
 * @param sftWeight w_sft, weight of the next-token cross-entropy
 * @param lossVariant how the top-K becomes two distributions (renormalised over the K, or exact plus a tail bucket)
 * @param klDirection forward KL(teacher || student) or reverse KL(student || teacher)
 * @param teacherTemperature divides the teacher's cached logits inside the KD term; 1 for {@link LossVariant#TAIL}
 * @param studentTemperature divides the student's logits inside the KD term (CE always uses temperature 1)
 * @param trainingTopK K used in training (at most the stored K; the first entries of the stored list are used); the
 *     {@link LossVariant#SAMPLED} variant trains on every stored draw whatever it says (see {@link #teacherEntryLimit})
 * @param learningRate Adam's peak learning rate, reached at the end of the warm-up
 * @param warmupSteps steps of linear warm-up from {@code learningRate / warmupSteps} to {@code learningRate}
 * @param schedule what the learning rate does after the warm-up: stay, or decay along a cosine
 * @param minLearningRate where the cosine ends (at most {@code learningRate}); not used by a constant schedule
 * @param decaySteps the 0-based step from which the cosine schedule stays at {@code minLearningRate} (usually the
 *     run's step count); when it is at most {@code warmupSteps}, the rate drops to the minimum after the warm-up
 * @param gradientClipNorm maximum global L2 norm of the gradients; 0 disables clipping
 * @param batchSize sequences per step
 * @param seed seed for the student's initialisation and any data shuffling
 */
public record TrainingConfig(double kdWeight, double sftWeight, LossVariant lossVariant, KlDirection klDirection,
                             double teacherTemperature, double studentTemperature, int trainingTopK,
                             double learningRate, int warmupSteps, LearningRateSchedule schedule,
                             double minLearningRate, long decaySteps, double gradientClipNorm, int batchSize,
                             long seed) {

    public TrainingConfig {
        List<String> problems = new ArrayList<>();
        if (!(kdWeight >= 0) || !Double.isFinite(kdWeight)) {
            problems.add("kdWeight must be finite and >= 0, got " + kdWeight);
        }
        if (!(sftWeight >= 0) || !Double.isFinite(sftWeight)) {
            problems.add("sftWeight must be finite and >= 0, got " + sftWeight);
        }
        if (kdWeight == 0 && sftWeight == 0) {
            problems.add("kdWeight and sftWeight are both 0: nothing to train");
        }
        if (lossVariant == null || klDirection == null) {
            problems.add("lossVariant and klDirection are required");
        }
        if (!(teacherTemperature > 0) || !Double.isFinite(teacherTemperature)) {
            problems.add("teacherTemperature must be > 0, got " + teacherTemperature);
        } else if (lossVariant != null && klDirection != null) {
            String variantProblem = lossVariant.problem(klDirection, teacherTemperature);
            if (variantProblem != null) {
                problems.add(variantProblem);
            }
        }
        if (!(studentTemperature > 0) || !Double.isFinite(studentTemperature)) {
            problems.add("studentTemperature must be > 0, got " + studentTemperature);
        }
        if (trainingTopK < 1) {
            problems.add("trainingTopK must be >= 1, got " + trainingTopK);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            problems.add("learningRate must be > 0, got " + learningRate);
        }
        if (warmupSteps < 0) {
            problems.add("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (schedule == null) {
            problems.add("schedule is required");
        }
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            problems.add("minLearningRate must be in [0, learningRate = " + learningRate + "], got " + minLearningRate);
        }
        if (decaySteps < 0) {
            problems.add("decaySteps must be >= 0, got " + decaySteps);
        }
        if (!(gradientClipNorm >= 0) || !Double.isFinite(gradientClipNorm)) {
            problems.add("gradientClipNorm must be >= 0 (0 = off), got " + gradientClipNorm);
        }
        if (batchSize < 1) {
            problems.add("batchSize must be >= 1, got " + batchSize);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training config: " + String.join("; ", problems));
        }
    }

    /**
     * NeMo-Aligner's objective (renormalised forward KL) with one temperature for teacher and student, and a constant
     * learning rate after the warm-up.
     */
    public TrainingConfig(double kdWeight, double sftWeight, double kdTemperature, int trainingTopK,
                          double learningRate, int warmupSteps, double gradientClipNorm, int batchSize, long seed) {
        this(kdWeight, sftWeight, LossVariant.RENORMALISED, KlDirection.FORWARD, kdTemperature, kdTemperature,
                trainingTopK, learningRate, warmupSteps, LearningRateSchedule.CONSTANT,
                defaultMinLearningRate(learningRate), 0, gradientClipNorm, batchSize, seed);
    }

    /**
     * kd 1, sft 0.4, renormalised forward KL, temperatures 1, top-K 8, lr 3e-3 with 20 warm-up steps and a cosine
     * down to 3e-4 at step 300 (the trainer's default run length), clip 1.0, batch 16, seed 42.
     */
    public static TrainingConfig defaults() {
        TrainingConfig constant = new TrainingConfig(1.0, 0.4, 1.0, 8, 3e-3, 20, 1.0, 16, 42L);
        return constant.toBuilder().schedule(LearningRateSchedule.COSINE, constant.minLearningRate(), 300).build();
    }

    /** The most teacher entries a position trains on ({@link LossVariant#teacherEntryLimit}). */
    public int teacherEntryLimit() {
        return lossVariant.teacherEntryLimit(trainingTopK);
    }

    /** The fewest entries a position of a usable record holds ({@link LossVariant#minimumStoredEntries}). */
    public int minimumStoredEntries() {
        return lossVariant.minimumStoredEntries(trainingTopK);
    }

    /** The minimum learning rate when none is given: a tenth of the peak. */
    public static double defaultMinLearningRate(double learningRate) {
        return learningRate / 10;
    }

    /** The loss this config describes. */
    public DistillationLoss loss() {
        return new DistillationLoss(lossVariant, klDirection, kdWeight, sftWeight, teacherTemperature,
                studentTemperature, trainingTopK);
    }

    /** Learning rate of the step with 0-based index {@code step}: linear warm-up, then the schedule. */
    public double learningRateAt(long step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        if (schedule == LearningRateSchedule.CONSTANT) {
            return learningRate;
        }
        if (step >= decaySteps) {
            return minLearningRate;
        }
        double progress = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
        return minLearningRate + (learningRate - minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** The settings as strings, for checkpoint metadata and events; read back with {@link #fromMap}. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("kdWeight", Double.toString(kdWeight));
        map.put("sftWeight", Double.toString(sftWeight));
        map.put("lossVariant", lossVariant.configName());
        map.put("klDirection", klDirection.configName());
        map.put("teacherTemperature", Double.toString(teacherTemperature));
        map.put("studentTemperature", Double.toString(studentTemperature));
        map.put("trainingTopK", Integer.toString(trainingTopK));
        map.put("learningRate", Double.toString(learningRate));
        map.put("warmupSteps", Integer.toString(warmupSteps));
        map.put("lrSchedule", schedule.configName());
        map.put("minLearningRate", Double.toString(minLearningRate));
        map.put("decaySteps", Long.toString(decaySteps));
        map.put("gradientClipNorm", Double.toString(gradientClipNorm));
        map.put("batchSize", Integer.toString(batchSize));
        map.put("seed", Long.toString(seed));
        return map;
    }

    /**
     * Reads {@link #toMap()} output; unknown keys are ignored. Maps written before the schedule keys existed describe
     * runs whose learning rate stayed constant after the warm-up, so a missing {@code lrSchedule} reads as constant
     * (and a missing minimum as the {@linkplain #defaultMinLearningRate default}, a missing decay step as 0, neither
     * used by it).
     */
    public static TrainingConfig fromMap(Map<String, String> map) {
        double learningRate = parseDouble(map, "learningRate");
        return new TrainingConfig(
                parseDouble(map, "kdWeight"), parseDouble(map, "sftWeight"),
                LossVariant.parse(require(map, "lossVariant")), KlDirection.parse(require(map, "klDirection")),
                parseDouble(map, "teacherTemperature"), parseDouble(map, "studentTemperature"),
                (int) parseLong(map, "trainingTopK"), learningRate, (int) parseLong(map, "warmupSteps"),
                map.containsKey("lrSchedule") ? LearningRateSchedule.parse(map.get("lrSchedule"))
                        : LearningRateSchedule.CONSTANT,
                map.containsKey("minLearningRate") ? parseDouble(map, "minLearningRate")
                        : defaultMinLearningRate(learningRate),
                map.containsKey("decaySteps") ? parseLong(map, "decaySteps") : 0,
                parseDouble(map, "gradientClipNorm"), (int) parseLong(map, "batchSize"), parseLong(map, "seed"));
    }

    /** A builder holding this config's values, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some of a config's values; {@link #build()} checks them all together. */
    public static final class Builder {
        private double kdWeight;
        private double sftWeight;
        private LossVariant lossVariant;
        private KlDirection klDirection;
        private double teacherTemperature;
        private double studentTemperature;
        private int trainingTopK;
        private double learningRate;
        private int warmupSteps;
        private LearningRateSchedule schedule;
        private double minLearningRate;
        private long decaySteps;
        private double gradientClipNorm;
        private int batchSize;
        private long seed;

        private Builder(TrainingConfig from) {
            kdWeight = from.kdWeight;
            sftWeight = from.sftWeight;
            lossVariant = from.lossVariant;
            klDirection = from.klDirection;
            teacherTemperature = from.teacherTemperature;
            studentTemperature = from.studentTemperature;
            trainingTopK = from.trainingTopK;
            learningRate = from.learningRate;
            warmupSteps = from.warmupSteps;
            schedule = from.schedule;
            minLearningRate = from.minLearningRate;
            decaySteps = from.decaySteps;
            gradientClipNorm = from.gradientClipNorm;
            batchSize = from.batchSize;
            seed = from.seed;
        }

        public Builder weights(double kd, double sft) {
            kdWeight = kd;
            sftWeight = sft;
            return this;
        }

        /** The convex form {@code lambda * KD + (1 - lambda) * CE}, as torchtune and Megatron-LM write it. */
        public Builder lambda(double lambda) {
            if (!(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException("lambda must be in [0, 1] (w_kd = lambda, w_sft = 1 - lambda), got "
                        + lambda);
            }
            return weights(lambda, 1 - lambda);
        }

        public Builder loss(LossVariant variant, KlDirection direction) {
            lossVariant = variant;
            klDirection = direction;
            return this;
        }

        public Builder temperatures(double teacher, double student) {
            teacherTemperature = teacher;
            studentTemperature = student;
            return this;
        }

        public Builder trainingTopK(int value) {
            trainingTopK = value;
            return this;
        }

        /** Another peak learning rate and warm-up; the schedule's minimum stays. */
        public Builder learningRate(double value, int warmup) {
            learningRate = value;
            warmupSteps = warmup;
            return this;
        }

        /** Another schedule after the warm-up; see the record's parameters. */
        public Builder schedule(LearningRateSchedule kind, double minimum, long decay) {
            schedule = kind;
            minLearningRate = minimum;
            decaySteps = decay;
            return this;
        }

        public Builder gradientClipNorm(double value) {
            gradientClipNorm = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public TrainingConfig build() {
            return new TrainingConfig(kdWeight, sftWeight, lossVariant, klDirection, teacherTemperature,
                    studentTemperature, trainingTopK, learningRate, warmupSteps, schedule, minLearningRate, decaySteps,
                    gradientClipNorm, batchSize, seed);
        }
    }

    private static String require(Map<String, String> map, String key) {
        String value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("training config is missing " + key);
        }
        return value.trim();
    }

    private static double parseDouble(Map<String, String> map, String key) {
        String value = require(map, key);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training config " + key + " is not a number: '" + value + "'", e);
        }
    }

    private static long parseLong(Map<String, String> map, String key) {
        String value = require(map, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("training config " + key + " is not an integer: '" + value + "'", e);
        }
    }
}
