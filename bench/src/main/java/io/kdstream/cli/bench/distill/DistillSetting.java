package io.kdstream.cli.bench.distill;

import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.Difficulty;

import java.util.Locale;
import java.util.Map;

/**
 * The conditions a distillation benchmark runs under.
 *
 * <p>{@link #CONTROL}: clean easy data, students from random weights, the default teacher (7 x the student's
 * parameters) trained on the students' prompts; one data set and one teacher for every seed (seeds vary only the
 * student's initialisation and batch order).
 *
 * <p>{@link #SEED_LIKE}: the conditions the seed's claim comes from. Harder tasks the student does not saturate, noisy
 * SDG (a share of plausible wrong training responses, for the teacher and the students alike), a strong teacher (at
 * least 10 x the student's parameters, here 24 x as in the seed, trained on 5 x the students' prompts) and a pretrained base student every run
 * starts from. Each seed draws its own training data and trains its own teacher and base student (all cached under
 * KDSTREAM_HOME), so the spread over seeds holds the data's and the teacher's share of chance too.
 */
public enum DistillSetting {
    CONTROL(Difficulty.EASY, 0, StudentStart.SCRATCH),
    SEED_LIKE(Difficulty.MEDIUM, 0.1, StudentStart.PRETRAINED);

    /** Students' training prompts a dataset when none are given, full run. */
    static final int FULL_TRAIN_PER_DATASET = 2000;
    /** How many times the students' prompts a seed-like teacher is trained on. */
    static final int STRONG_TEACHER_DATA_FACTOR = 5;

    private final Difficulty difficulty;
    private final double wrongShare;
    private final StudentStart start;

    DistillSetting(Difficulty difficulty, double wrongShare, StudentStart start) {
        this.difficulty = difficulty;
        this.wrongShare = wrongShare;
        this.start = start;
    }

    /** {@code control} or {@code seed-like}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The config name: what {@code --setting} takes (picocli matches an enum constant's string). */
    @Override
    public String toString() {
        return configName();
    }

    public TaskDifficulty defaultDifficulty() {
        return TaskDifficulty.both(difficulty);
    }

    public double defaultWrongShare() {
        return wrongShare;
    }

    public StudentStart defaultStart() {
        return start;
    }

    /** The teacher's shape: the default teacher (7 x the student), or a strong one of 6 layers (10.3 x). */
    public TransformerConfig teacherArchitecture(int vocabulary) {
        TransformerConfig standard = TransformerConfig.teacher(vocabulary);
        return this == CONTROL ? standard : new TransformerConfig(vocabulary, standard.contextLength(), standard.modelWidth(),
                standard.heads(), 6, standard.feedForwardWidth()).validate();
    }

    /**
     * The students' shape where it is not the trainer's default student, as trainer settings ({@code -D} overrides
     * them). Seed-like: 2 layers of width 40, feed-forward 160 (51,460 parameters), so the strong teacher has 23.9 x the
     * student's parameters, as the seed's 340 B teacher has 22.7 x its 15 B student. The default student (119,140, a
     * tenth of the teacher) learnt the medium tasks from its data about as well as the teacher had (SFT 0.912 / 0.928
     * against 0.862 / 0.942), and a teacher no better than the student's SFT has nothing to teach (BENCHMARKS.md, the
     * S 4000 calibrations).
     */
    public Map<String, String> studentSettings() {
        return this == CONTROL ? Map.of() : Map.of("kdstream.trainer.student.width", "40", "kdstream.trainer.student.feed.forward.width", "160");
    }

    /**
     * Training prompts of each dataset for the students and for the teacher (the students' are a prefix of the
     * teacher's).
     */
    public record TrainSizes(int studentMath, int studentCode, int teacherMath, int teacherCode) {
    }

    /**
     * The control's teacher is trained on 2,000 prompts a dataset whatever the students see. The seed-like teacher is
     * trained on 5 x the students' prompts: 5 x the full run's 2,000 a dataset (or 5 x {@code studentPerDataset}, if
     * more), as far as the generator has distinct training problems; where it has fewer (about 12,200 hard code tasks
     * are short of 5 x 3,000), the students get a fifth of what the teacher gets.
     *
     * @param codeSupply how many distinct training code tasks the generator has at this difficulty
     */
    public TrainSizes trainSizes(int studentPerDataset, int codeSupply) {
        if (this == CONTROL) {
            return new TrainSizes(studentPerDataset, studentPerDataset, DistillBenchmark.TEACHER_TRAIN_PER_DATASET,
                    DistillBenchmark.TEACHER_TRAIN_PER_DATASET);
        }
        int teacher = teacherPromptsPerDataset(studentPerDataset);
        int teacherCode = Math.min(teacher, codeSupply);
        return new TrainSizes(studentPerDataset, Math.min(studentPerDataset, teacherCode / STRONG_TEACHER_DATA_FACTOR), teacher, teacherCode);
    }

    /** The prompts a dataset the seed-like teacher wants: 5 x the full run's 2,000 (or 5 x {@code studentPerDataset}, if more). */
    public int teacherPromptsPerDataset(int studentPerDataset) {
        return STRONG_TEACHER_DATA_FACTOR * Math.max(studentPerDataset, FULL_TRAIN_PER_DATASET);
    }

    /**
     * The seed-like teacher's 6,000 steps: at 3,000 it scored math 0.782 and code 0.864, which its student's SFT passed
     * at S = 4000 (0.894, 0.980); at 6,000, 0.862 and 0.942 (BENCHMARKS.md, the S 4000 calibrations).
     */
    public long defaultTeacherSteps() {
        return this == CONTROL ? DistillBenchmark.DEFAULT_TEACHER_STEPS : 6000;
    }

    /**
     * The control keeps its teacher as it was trained (a constant learning rate to the end); a seed-like teacher is
     * cooled down for a tenth of its steps, which a strong teacher needs ({@link CachedSftModel}).
     */
    public long defaultTeacherCoolDown(long teacherSteps) {
        return this == CONTROL ? 0 : teacherSteps / 10;
    }

    /** The data seed of a student seed's cohort: one for all seeds in the control, one a seed in the seed-like setting. */
    public long dataSeed(long seed) {
        return this == CONTROL ? DistillBenchmark.DATA_SEED : DistillBenchmark.DATA_SEED + 1000 * seed;
    }

    public long teacherSeed(long seed) {
        return this == CONTROL ? DistillBenchmark.TEACHER_SEED : DistillBenchmark.TEACHER_SEED + seed;
    }

    /** The cohort a run belongs to: the runs that share training data, teacher, base student and logit cache. */
    public DistillCohort cohortOf(DistillPlan.Run run) {
        return new DistillCohort(dataSeed(run.seed()), teacherSeed(run.seed()), run.config().wrongShare());
    }

    /**
     * S: the seed-like student's SFT flattens by about 6,000 steps (math 0.73-0.80 and code 0.93-0.95 over the last
     * fifth); at 4,000 it was still climbing (math 0.71 to 0.84 over the last fifth). The default student, a tenth of
     * the teacher, flattened by 4,000.
     */
    public long defaultSteps(boolean quick) {
        return quick ? 300 : this == CONTROL ? 1000 : 6000;
    }

    public int defaultSeeds(boolean quick) {
        return quick ? 1 : this == CONTROL ? 3 : 5;
    }

    /** Checkpoints along a curve: every 0.05 S in the full seed-like setting. */
    public int defaultCurvePoints(boolean quick) {
        return quick || this == CONTROL ? 10 : 20;
    }

    public int defaultTrainPerDataset(boolean quick) {
        return quick ? 1000 : FULL_TRAIN_PER_DATASET;
    }

    public int defaultTestPerDataset(boolean quick) {
        return quick ? 100 : this == CONTROL ? 200 : 500;
    }
}
