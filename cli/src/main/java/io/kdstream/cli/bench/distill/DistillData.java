package io.kdstream.cli.bench.distill;

import io.kdstream.producers.generate.CodeTaskGenerator;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.trainer.sft.SupervisedTraining;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's data: generated math and code SDG prompts, train and test, deterministic from the seed. A
 * problem's split is a hash of the problem itself, so train and test never share one.
 */
public record DistillData(List<Prompt> trainMath, List<Prompt> trainCode, List<Prompt> testMath, List<Prompt> testCode, long seed) {

    public static final String SOURCE = "kdstream-bench-distill";

    public static DistillData generate(int trainPerDataset, int testPerDataset, long seed) {
        MathProblemGenerator math = new MathProblemGenerator(seed);
        CodeTaskGenerator code = new CodeTaskGenerator(seed);
        List<Prompt> trainMath = math.generate(trainPerDataset, Split.TRAIN).stream().map(p -> p.toPrompt(SOURCE)).toList();
        List<Prompt> trainCode = code.generate(trainPerDataset, Split.TRAIN).stream().map(p -> p.toPrompt(SOURCE)).toList();
        List<Prompt> testMath = new MathProblemGenerator(seed + 1).generate(testPerDataset, Split.TEST).stream().map(p -> p.toPrompt(SOURCE)).toList();
        List<Prompt> testCode = new CodeTaskGenerator(seed + 1).generate(testPerDataset, Split.TEST).stream().map(p -> p.toPrompt(SOURCE)).toList();
        return new DistillData(trainMath, trainCode, testMath, testCode, seed);
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

    /** Names the data in file names: sizes and seed. */
    public String tag() {
        return "m" + trainMath.size() + "c" + trainCode.size() + "d" + seed;
    }
}
