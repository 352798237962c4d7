package io.kdstream.cli.teacher;

import io.kdstream.cli.progress.Progress;
import io.kdstream.evaluator.EvaluatorConfig;
import io.kdstream.evaluator.scoring.CheckpointScorer;
import io.kdstream.evaluator.scoring.TaskJudge;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.KdstreamHome;
import io.kdstream.platform.config.Settings;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.trainer.sft.SupervisedTraining;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.TrainingConfig;
import me.tongfei.progressbar.ProgressBar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The default math teacher: the teacher-size transformer trained with SFT on generated math problems, at a held
 * learning rate and then, where asked, cooled down ({@link SupervisedTraining#coolDown}). Everything is a function of
 * the step counts and seed, so the cached checkpoint's name says how to reproduce it.
 */
public final class TeacherRecipe {

    public static final long DEFAULT_STEPS = 1500;
    private static final int TRAIN_PROBLEMS = 8000;
    private static final int TEST_PROBLEMS = 200;

    private final long steps;
    private final long coolDownSteps;
    private final long seed;

    /** The demo's teacher: {@code steps} at a held rate, no cool-down (its figures were measured with it). */
    public TeacherRecipe(long steps, long seed) {
        this(steps, 0, seed);
    }

    public TeacherRecipe(long steps, long coolDownSteps, long seed) {
        if (steps <= 0 || coolDownSteps < 0) {
            throw new IllegalArgumentException("a teacher needs steps > 0 and a cool-down of 0 or more steps, got " + steps + " and " + coolDownSteps);
        }
        this.steps = steps;
        this.coolDownSteps = coolDownSteps;
        this.seed = seed;
    }

    public record Result(Path checkpoint, String sha256, int testExamples, double testExactMatch) {
    }

    public TransformerConfig architecture() {
        return TransformerConfig.teacher(new CharTokenizer().vocabularySize());
    }

    /** The held-rate phase's settings. */
    public TrainingConfig training() {
        return SupervisedTraining.stablePhase(seed);
    }

    /** Where the demo keeps this recipe's teacher, so it is trained once per machine. */
    public Path cachedCheckpoint() {
        String name = "math-teacher-" + Integer.toHexString(architecture().toString().hashCode()) + "-steps" + steps
                + (coolDownSteps > 0 ? "-cool" + coolDownSteps : "") + "-seed" + seed + ".ckpt";
        return KdstreamHome.path().resolve("teachers").resolve(name);
    }

    /** Trains the teacher into {@code checkpoint} and scores it on fresh test problems. */
    public Result train(Path checkpoint) throws Exception {
        String sha256 = write(checkpoint);
        return new Result(checkpoint, sha256, TEST_PROBLEMS, testExactMatch(checkpoint, sha256));
    }

    /** Trains the teacher into {@code checkpoint}, its held phase and then its cool-down; returns its SHA-256. */
    String write(Path checkpoint) throws Exception {
        MathProblemGenerator generator = new MathProblemGenerator(seed);
        List<SupervisedTraining.Example> data = generator.generate(TRAIN_PROBLEMS, Split.TRAIN).stream()
                .map(p -> new SupervisedTraining.Example(p.prompt(), p.response())).toList();
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        Path stable = coolDownSteps == 0 ? checkpoint : checkpoint.resolveSibling(checkpoint.getFileName() + ".stable");
        String sha256;
        try (ProgressBar bar = Progress.bar("teacher SFT", steps, "steps")) {
            sha256 = SupervisedTraining.train(architecture(), data, training(), steps, stable, progress(bar));
        }
        if (coolDownSteps > 0) {
            try (ProgressBar bar = Progress.bar("teacher cool-down", coolDownSteps, "steps")) {
                // batches of its own: the same seed would replay the held phase's first ones
                sha256 = SupervisedTraining.trainFrom(stable, architecture(), data, SupervisedTraining.coolDown(coolDownSteps, seed + 1), coolDownSteps,
                        checkpoint, progress(bar));
            }
            Files.delete(stable);
        }
        return sha256;
    }

    private static Consumer<StepMetrics> progress(ProgressBar bar) {
        return metrics -> {
            bar.step();
            bar.setExtraMessage(String.format(" ce %.3f", metrics.ceLoss()));
        };
    }

    /** Exact match of a teacher checkpoint on fresh test problems. */
    public double testExactMatch(Path checkpoint, String sha256) throws Exception {
        List<Prompt> test = new MathProblemGenerator(seed + 1).generate(TEST_PROBLEMS, Split.TEST).stream()
                .map(p -> MathPrompts.toPrompt(p, "teacher-check")).toList();
        CharTokenizer tokenizer = new CharTokenizer();
        try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, sha256, tokenizer.fingerprint())) {
            // math only: no code tasks to run, and no teacher logits to compare with (this is the teacher)
            EvaluatorConfig defaults = EvaluatorConfig.from(Settings.of(Map.of()));
            return new CheckpointScorer(tokenizer, new TaskJudge(defaults.codeStepLimit()), defaults.maxNewTokens(), 100)
                    .score(loaded.model(), test, prompt -> null).exactMatch();
        }
    }
}
