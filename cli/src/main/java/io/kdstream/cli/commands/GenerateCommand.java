package io.kdstream.cli.commands;

import io.kdstream.producers.PromptProducer;
import io.kdstream.producers.PromptProducerConfig;
import io.kdstream.producers.generate.CodeTaskGenerator;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.PromptJsonl;
import io.kdstream.producers.generate.SdgExample;
import io.kdstream.producers.generate.SdgGenerator;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code kdstream generate math|code --count N --seed S [--difficulty D] [--wrong-share F] (--out FILE | --produce)
 * [--follow --rate R]}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate synthetic SDG data, deterministic from the seed: to a JSONL file or straight to kd.prompts.",
                "math: arithmetic with worked solutions and a final answer; code: tinylang programming tasks with test cases.",
                "--follow keeps sending new problems at --rate a second after the first --count (continuous SDG arrival) "
                        + "until Ctrl-C or until the split has no unseen problem left.",
                "--difficulty and --wrong-share make the data harder and noisier, as model-written SDG data is; "
                        + "wrong responses are marked sdg.wrong=true in the metadata."})
public final class GenerateCommand implements Callable<Integer> {

    public enum Kind { math, code }

    @Parameters(paramLabel = "KIND", description = "what to generate: ${COMPLETION-CANDIDATES}")
    Kind kind;

    @Option(names = "--count", defaultValue = "1000", description = "examples (default: ${DEFAULT-VALUE}); with --follow, the first batch")
    int count;

    @Option(names = "--split", defaultValue = "train", description = "train, validation or test (default: ${DEFAULT-VALUE})")
    Split split;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--difficulty", defaultValue = "easy", description = "easy (the default: two-digit arithmetic, "
            + "short programs), medium or hard (more digits; longer programs with more branches), or expert (five digits; hard "
            + "programs and programs whose constants must be worked out from the function's values at two points), or broad "
            + "(four digits; every easy, medium and hard program family together)")
    Difficulty difficulty;

    @Option(names = "--wrong-share", defaultValue = "0", description = "share of train examples, in [0, 1], given a "
            + "plausible wrong response: a slipped digit carried through the worked solution (math), an off-by-one or "
            + "wrong-branch program that runs but fails some tests (code); validation and test stay correct (default: ${DEFAULT-VALUE})")
    double wrongShare;

    @Option(names = "--follow", description = "after the first --count, keep sending new problems until stopped")
    boolean follow;

    @Option(names = "--rate", defaultValue = "1", description = "with --follow: problems a second (default: ${DEFAULT-VALUE})")
    double rate;

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

    @Spec
    CommandSpec spec;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (follow && !(rate > 0)) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0, got " + rate);
        }
        if (!(wrongShare >= 0 && wrongShare <= 1)) {
            throw new ParameterException(spec.commandLine(), "--wrong-share must be in [0, 1], got " + wrongShare);
        }
        SdgOptions options = new SdgOptions(difficulty, wrongShare);
        return kind == Kind.math ? run(new MathProblemGenerator(seed, options)) : run(new CodeTaskGenerator(seed, options));
    }

    private <E extends SdgExample> int run(SdgGenerator<E> generator) throws Exception {
        String source = source();
        Iterator<E> examples = generator.distinct(split);
        List<E> drawn = generator.take(examples, count, split);
        List<Prompt> first = drawn.stream().map(e -> e.toPrompt(source)).toList();
        long wrong = drawn.stream().filter(SdgExample::wrong).count();
        try (Sink sink = target.out != null ? new FileSink(target.out) : new KafkaSink(new PromptProducer(PromptProducerConfig.from(client.settings())))) {
            sink.send(first);
            System.out.println("sent " + first.size() + " " + split + " " + kind + " problems to " + sink
                    + (wrong == 0 ? "" : " (" + wrong + " with a wrong response, marked sdg.wrong=true)"));
            if (follow) {
                follow(examples, sink, source);
            }
        } finally {
            finished.countDown();
        }
        return 0;
    }

    /** Names the generator run; difficulty and wrong share only where not the defaults, so default data stays as it was. */
    private String source() {
        return "kdstream-generate-" + kind + "-seed-" + seed
                + (difficulty == Difficulty.EASY ? "" : "-" + difficulty.configName())
                + (wrongShare == 0 ? "" : "-wrong-" + wrongShare);
    }

    private void follow(Iterator<? extends SdgExample> examples, Sink sink, String source) throws IOException, InterruptedException {
        // Ctrl-C: stop following, and let the last send and the summary finish before the JVM exits
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopRequested.countDown();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "generate-stop"));
        long intervalNanos = (long) (1e9 / rate);
        long sent = 0;
        System.out.printf("following: %.2f %s problems a second to %s; Ctrl-C stops%n", rate, kind, sink);
        while (!stopRequested.await(intervalNanos, TimeUnit.NANOSECONDS)) {
            if (!examples.hasNext()) {
                System.out.println("no unseen " + split + " " + kind + " problem is left after " + sent + " more");
                break;
            }
            sink.send(List.of(examples.next().toPrompt(source)));
            sent++;
        }
        System.out.println("followed with " + sent + " more problems");
    }

    /** Where generated prompts go; each send is stored (flushed) before it returns. */
    private interface Sink extends AutoCloseable {
        void send(List<Prompt> prompts) throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class FileSink implements Sink {
        private final Path file;
        private final BufferedWriter writer;

        FileSink(Path file) throws IOException {
            this.file = file;
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        @Override
        public void send(List<Prompt> prompts) throws IOException {
            for (Prompt prompt : prompts) {
                writer.write(PromptJsonl.line(prompt));
                writer.newLine();
            }
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    private record KafkaSink(PromptProducer producer) implements Sink {
        @Override
        public void send(List<Prompt> prompts) {
            producer.send(prompts);
        }

        @Override
        public void close() {
            producer.close();
        }

        @Override
        public String toString() {
            return "kd.prompts";
        }
    }
}
