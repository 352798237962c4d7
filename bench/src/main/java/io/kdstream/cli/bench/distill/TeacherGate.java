package io.kdstream.cli.bench.distill;

import io.kdstream.evaluator.scoring.CheckpointScorer;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.producers.generate.CodeTaskGenerator;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.SdgExample;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.trainer.sft.SupervisedTraining;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trains a cohort's teacher as {@link TeacherTraining} says and checks it against the gate. With the same recipe, a
 * teacher's strength varies by seed; the gate makes "a strong teacher" a condition that is checked, not hoped for. It
 * scores validation problems (the validation split of the test generators: every data seed is gated on the same
 * problems, and the test sets stay unseen by any choice the benchmark makes).
 */
public final class TeacherGate {

    /** Validation problems of each dataset: a standard error of at most 0.035 on an accuracy. */
    static final int VALIDATION_PER_DATASET = 200;

    /** Keys of the validation scores in a teacher's record ({@link CachedSftModel#recorded}). */
    static final String VALIDATION_MATH = "validation.math.exact.match";
    static final String VALIDATION_CODE = "validation.code.pass.at.1";
    /** What the validation problems are judged by ({@link DistillData#judgingDigest}): scores of another judge are measured again. */
    static final String VALIDATION_SET = "validation.set.sha256";
    static final String VALIDATION_MAX_NEW_TOKENS = "validation.max.new.tokens";

    /**
     * The teacher the benchmark uses and how it fared.
     *
     * @param phases         its recipe's phases ({@link CachedSftModel#phases()})
     * @param validationMath math exact match on the validation problems (NaN where no gate asked for it)
     * @param validationCode code pass@1 there
     * @param gate           what both had to reach; 0 for no gate
     */
    public record Verdict(Path checkpoint, String phases, double validationMath, double validationCode, double gate) {

        static Verdict ungated(Path checkpoint, String phases) {
            return new Verdict(checkpoint, phases, Double.NaN, Double.NaN, 0);
        }

        boolean passed() {
            return gate == 0 || validationMath >= gate && validationCode >= gate;
        }

        String describe() {
            return gate == 0 ? phases : String.format(Locale.ROOT, "%s, validation math %.3f, code %.3f: %s the gate %.2f", phases,
                    validationMath, validationCode, passed() ? "passed" : "BELOW", gate);
        }
    }

    private final TeacherTraining training;
    private final CheckpointScorer scorer;
    private final Path home;
    private final Consumer<String> log;

    TeacherGate(TeacherTraining training, CheckpointScorer scorer, Path home, Consumer<String> log) {
        this.training = training;
        this.scorer = scorer;
        this.home = home;
        this.log = log;
    }

    /**
     * The first recipe's teacher, cooled down, trained where missing; while it is below the gate, another stable phase
     * and a cool-down, up to the rounds allowed. A teacher still below the gate after them is used and said to be.
     */
    Verdict train(CachedSftModel firstPhase, List<SupervisedTraining.Example> data, SdgOptions mathOptions, SdgOptions codeOptions) throws Exception {
        CachedSftModel recipe = firstPhase.cooledDown(training.coolDownSteps());
        Path checkpoint = trained(recipe, data);
        if (training.gate() == 0) {
            return Verdict.ungated(checkpoint, recipe.phases());
        }
        List<Prompt> math = validation(new MathProblemGenerator(DistillData.TEST_SEED, clean(mathOptions)).generate(VALIDATION_PER_DATASET, Split.VALIDATION));
        List<Prompt> code = validation(new CodeTaskGenerator(DistillData.TEST_SEED, clean(codeOptions)).generate(VALIDATION_PER_DATASET, Split.VALIDATION));
        while (true) {
            Verdict verdict = score(checkpoint, recipe.phases(), math, code);
            log.accept("teacher " + verdict.describe());
            if (verdict.passed() || recipe.stablePhases().size() >= training.maxRounds()) {
                return verdict;
            }
            recipe = recipe.trainedOn(training.steps());
            checkpoint = trained(recipe, data);
        }
    }

    private Path trained(CachedSftModel recipe, List<SupervisedTraining.Example> data) throws Exception {
        Path checkpoint = recipe.cachedCheckpoint(home);
        if (!Files.exists(checkpoint)) {
            log.accept("no teacher at " + checkpoint + ": training one with kdstream's SFT trainer (once; it is kept for later runs)");
        }
        return recipe.trainIfMissing(home, data);
    }

    /**
     * The checkpoint's validation scores: from its record where they were measured before on the same problems, judged
     * alike, with the same generation limit (a minute a teacher saved on every later invocation), else measured now
     * and recorded.
     */
    private Verdict score(Path checkpoint, String phases, List<Prompt> math, List<Prompt> code) throws Exception {
        Properties recorded = CachedSftModel.recorded(checkpoint).orElseGet(Properties::new);
        String problems = DistillData.judgingDigest(Stream.concat(math.stream(), code.stream()).toList());
        String maxNewTokens = Integer.toString(scorer.maxNewTokens());
        if (!problems.equals(recorded.getProperty(VALIDATION_SET)) || !maxNewTokens.equals(recorded.getProperty(VALIDATION_MAX_NEW_TOKENS))) {
            CharTokenizer tokenizer = new CharTokenizer();
            try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, null, tokenizer.fingerprint())) {
                Properties scores = new Properties();
                scores.setProperty(VALIDATION_MATH, Double.toString(scorer.score(loaded.model(), math, p -> null).exactMatch()));
                scores.setProperty(VALIDATION_CODE, Double.toString(scorer.score(loaded.model(), code, p -> null).passAt1()));
                scores.setProperty(VALIDATION_SET, problems);
                scores.setProperty(VALIDATION_MAX_NEW_TOKENS, maxNewTokens);
                CachedSftModel.record(checkpoint, scores);
                recorded.putAll(scores);
            }
        }
        return new Verdict(checkpoint, phases, Double.parseDouble(recorded.getProperty(VALIDATION_MATH)),
                Double.parseDouble(recorded.getProperty(VALIDATION_CODE)), training.gate());
    }

    private static SdgOptions clean(SdgOptions options) {
        return new SdgOptions(options.difficulty(), 0);
    }

    private static List<Prompt> validation(List<? extends SdgExample> examples) {
        return examples.stream().map(e -> e.toPrompt(DistillData.SOURCE)).toList();
    }
}
