package io.kdstream.cli.bench.distill;

import io.kdstream.producers.generate.CodeTaskGenerator;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.SdgExample;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.tinylang.TestCase;
import io.kdstream.trainer.sft.SupervisedTraining;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark's data: generated math and code SDG prompts, train and test, deterministic from the seed and the
 * options (each dataset's difficulty, share of wrong training responses). A problem's split is a hash of the problem itself, so
 * train and test never share one. The test set depends on the difficulty only, so every data seed is scored on the
 * same problems, and it is always clean.
 */
public record DistillData(List<Prompt> trainMath, List<Prompt> trainCode, List<Prompt> testMath, List<Prompt> testCode, long seed,
                          SdgOptions mathOptions, SdgOptions codeOptions) {

    /** Refuses data whose test set shares a prompt with its training set: a score on it would measure recall. */
    public DistillData {
        Set<String> trained = new HashSet<>();
        trainMath.forEach(p -> trained.add(p.getId()));
        trainCode.forEach(p -> trained.add(p.getId()));
        Stream.concat(testMath.stream(), testCode.stream()).filter(p -> trained.contains(p.getId())).findFirst().ifPresent(p -> {
            throw new IllegalStateException("test " + p.getDataset() + " prompt " + p.getId() + " (\"" + p.getPrompt() + "\") is also a training prompt of "
                    + "data seed " + seed + ": the generator put one task in both splits");
        });
    }

    public static final String SOURCE = "kdstream-bench-distill";
    /** Seeds the test set's generators, whatever the data seed. */
    static final long TEST_SEED = DistillBenchmark.DATA_SEED + 1;

    public static DistillData generate(int trainPerDataset, int testPerDataset, long seed) {
        return generate(trainPerDataset, testPerDataset, seed, SdgOptions.CLEAN_EASY);
    }

    public static DistillData generate(int trainPerDataset, int testPerDataset, long seed, SdgOptions options) {
        return generate(trainPerDataset, trainPerDataset, testPerDataset, seed, options);
    }

    public static DistillData generate(int trainMathCount, int trainCodeCount, int testPerDataset, long seed, SdgOptions options) {
        return generate(trainMathCount, trainCodeCount, testPerDataset, seed, options, options);
    }

    /** Math and code each at their own options (difficulty; the wrong share is the same for both in the benchmark). */
    public static DistillData generate(int trainMathCount, int trainCodeCount, int testPerDataset, long seed, SdgOptions mathOptions,
                                       SdgOptions codeOptions) {
        List<Prompt> trainMath = prompts(new MathProblemGenerator(seed, mathOptions).generate(trainMathCount, Split.TRAIN));
        List<Prompt> trainCode = prompts(new CodeTaskGenerator(seed, codeOptions).generate(trainCodeCount, Split.TRAIN));
        List<Prompt> testMath = prompts(new MathProblemGenerator(TEST_SEED, mathOptions).generate(testPerDataset, Split.TEST));
        List<Prompt> testCode = prompts(new CodeTaskGenerator(TEST_SEED, codeOptions).generate(testPerDataset, Split.TEST));
        return new DistillData(trainMath, trainCode, testMath, testCode, seed, mathOptions, codeOptions);
    }

    /** The test set of every data seed at these difficulties: math's then code's. */
    static List<Prompt> testSet(int testPerDataset, TaskDifficulty difficulty) {
        DistillData data = generate(0, 0, testPerDataset, 0, difficulty.mathOptions(0), difficulty.codeOptions(0));
        return Stream.concat(data.testMath().stream(), data.testCode().stream()).toList();
    }

    /**
     * SHA-256 of what held-out prompts are judged by: each one's id (prompt and response), expected answer and test
     * cases. Scores are kept with it, so scores from a judge made stricter since are never taken for today's.
     */
    static String judgingDigest(List<Prompt> prompts) {
        return LinesDigest.sha256(prompts.stream().map(prompt -> prompt.getId() + "\u0000" + prompt.getExpectedAnswer() + "\u0000"
                + prompt.getMetadata().get(TestCase.METADATA_KEY)));
    }

    /**
     * How many distinct training code tasks the generator has at these options, counted up to {@code atMost} (the code
     * families are finite; those written from examples have far more tasks than a run takes, and counting them all
     * takes minutes).
     */
    public static int codeSupply(long seed, SdgOptions options, int atMost) {
        Iterator<CodeTaskGenerator.CodeTask> distinct = new CodeTaskGenerator(seed, options).distinct(Split.TRAIN);
        int count = 0;
        while (count < atMost && distinct.hasNext()) {
            distinct.next();
            count++;
        }
        return count;
    }

    /**
     * How many records {@code prompts} make on a topic keyed by content: a prompt generated twice with the same response
     * (the generators may draw a problem again) is one record, so this is what a consumer waiting for all of them sees.
     */
    public static int distinct(List<Prompt> prompts) {
        return (int) prompts.stream().map(Prompt::getId).distinct().count();
    }

    private static List<Prompt> prompts(List<? extends SdgExample> examples) {
        return examples.stream().map(e -> e.toPrompt(SOURCE)).toList();
    }

    public List<Prompt> train() {
        return Stream.concat(trainMath.stream(), trainCode.stream()).toList();
    }

    public List<Prompt> all() {
        List<Prompt> all = new ArrayList<>(train());
        all.addAll(testMath);
        all.addAll(testCode);
        return all;
    }

    /** The training prompts as SFT examples, for the teacher. */
    public List<SupervisedTraining.Example> teacherExamples() {
        return train().stream().map(p -> new SupervisedTraining.Example(p.getPrompt(), p.getResponse())).toList();
    }

    /**
     * General data of the tasks' language for a base student, without this data's answers: the training problems'
     * text alone, and with {@link BaseCorpus#TEXT_AND_OTHERS} clean worked examples of the other graded difficulty levels
     * (of code, as many as the generator has up to {@code otherPerDataset}).
     */
    public List<SupervisedTraining.Example> pretrainingCorpus(BaseCorpus kind, int otherPerDataset) {
        List<SupervisedTraining.Example> corpus = new ArrayList<>();
        train().forEach(p -> corpus.add(new SupervisedTraining.Example("", p.getPrompt())));
        for (Difficulty other : Difficulty.graded()) {
            if (kind == BaseCorpus.TEXT_AND_OTHERS) {
                SdgOptions clean = new SdgOptions(other, 0);
                int math = other != mathOptions.difficulty() ? otherPerDataset : 0;
                int code = other != codeOptions.difficulty() ? codeSupply(seed, clean, otherPerDataset) : 0;
                corpus.addAll(generate(math, code, 0, seed, clean).teacherExamples());
            }
        }
        return corpus;
    }

    /**
     * Names the data in file names: sizes and seed, and the difficulty (each dataset's where they differ) and wrong
     * share unless clean and easy.
     */
    public String tag() {
        String sizes = "m" + trainMath.size() + "c" + trainCode.size() + "d" + seed;
        if (mathOptions.equals(SdgOptions.CLEAN_EASY) && codeOptions.equals(SdgOptions.CLEAN_EASY)) {
            return sizes;
        }
        TaskDifficulty difficulty = new TaskDifficulty(mathOptions.difficulty(), codeOptions.difficulty());
        return sizes + "-" + difficulty.configName() + "-wrong" + Double.toString(mathOptions.wrongShare()).replace('.', 'p');
    }
}
