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
import io.kdstream.trainer.training.TrainingConfig;
import me.tongfei.progressbar.ProgressBar;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The default math teacher: the teacher-size transformer trained with SFT on generated math problems. Everything is
 * a function of the step count and seed, so the cached checkpoint's name says how to reproduce it.
 */
public final class TeacherRecipe {

    public static final long DEFAULT_STEPS = 1500;
    private static final int TRAIN_PROBLEMS = 8000;
    private static final int TEST_PROBLEMS = 200;

    private final long steps;
    private final long seed;

    public TeacherRecipe(long steps, long seed) {
        this.steps = steps;
        this.seed = seed;
    }

    public record Result(Path checkpoint, String sha256, int testExamples, double testExactMatch) {
    }

    public TransformerConfig architecture() {
        return TransformerConfig.teacher(new CharTokenizer().vocabularySize());
    }

    public TrainingConfig training() {
        return new TrainingConfig(0.0, 1.0, 1.0, 1, 3e-3, 50, 1.0, 32, seed);
    }

    /** Where the demo keeps this recipe's teacher, so it is trained once per machine. */
    public Path cachedCheckpoint() {
        String name = "math-teacher-" + Integer.toHexString(architecture().toString().hashCode()) + "-steps" + steps + "-seed" + seed + ".ckpt";
        return KdstreamHome.path().resolve("teachers").resolve(name);
    }

    public Result train(Path checkpoint) throws Exception {
        MathProblemGenerator generator = new MathProblemGenerator(seed);
        List<SupervisedTraining.Example> data = generator.generate(TRAIN_PROBLEMS, Split.TRAIN).stream()
                .map(p -> new SupervisedTraining.Example(p.prompt(), p.response())).toList();
        Files.createDirectories(checkpoint.toAbsolutePath().getParent());
        String sha256;
        try (ProgressBar bar = Progress.bar("teacher SFT", steps, "steps")) {
            sha256 = SupervisedTraining.train(architecture(), data, training(), steps, checkpoint, metrics -> {
                bar.step();
                bar.setExtraMessage(String.format(" ce %.3f", metrics.ceLoss()));
            });
        }
        return new Result(checkpoint, sha256, TEST_PROBLEMS, testExactMatch(checkpoint, sha256));
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
