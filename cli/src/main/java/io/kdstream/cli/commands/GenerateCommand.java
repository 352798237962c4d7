package io.kdstream.cli.commands;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream generate math --count N --seed S (--out FILE | --produce)}. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate synthetic SDG data, deterministic from the seed: to a JSONL file or straight to kd.prompts.")
public final class GenerateCommand implements Callable<Integer> {

    public enum Kind { math }

    @Parameters(paramLabel = "KIND", description = "what to generate: ${COMPLETION-CANDIDATES}")
    Kind kind;

    @Option(names = "--count", defaultValue = "1000", description = "examples (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--split", defaultValue = "train", description = "train, validation or test (default: ${DEFAULT-VALUE})")
    Split split;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", description = "write JSONL to this file")
        Path out;

        @Option(names = "--produce", description = "send to kd.prompts")
        boolean produce;
    }

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        List<MathProblemGenerator.MathProblem> problems = new MathProblemGenerator(seed).generate(count, split);
        if (target.out != null) {
            JsonMapper json = JsonMapper.builder().build();
            try (BufferedWriter writer = Files.newBufferedWriter(target.out, StandardCharsets.UTF_8)) {
                for (MathProblemGenerator.MathProblem problem : problems) {
                    writer.write(json.writeValueAsString(Map.of(
                            "dataset", MathProblemGenerator.DATASET, "split", problem.split().name().toLowerCase(),
                            "prompt", problem.prompt(), "response", problem.response(),
                            "expected_answer", problem.answer(), "source", "kdstream-generate-math-seed-" + seed)));
                    writer.newLine();
                }
            }
            System.out.println("wrote " + problems.size() + " " + split + " problems to " + target.out);
        } else {
            List<Prompt> prompts = problems.stream().map(p -> MathPrompts.toPrompt(p, "kdstream-generate-math-seed-" + seed)).toList();
            try (PromptProducer producer = new PromptProducer(PromptProducerConfig.from(client.settings()))) {
                producer.send(prompts);
            }
            System.out.println("sent " + prompts.size() + " " + split + " problems to kd.prompts");
        }
        return 0;
    }
}
