package io.kdstream.cli.bench;

import io.kdstream.cli.bench.distill.DistillData;
import io.kdstream.model.checkpoint.CheckpointFile;
import io.kdstream.model.checkpoint.LoadedCheckpoint;
import io.kdstream.model.tokenizer.CharTokenizer;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.producers.generate.Difficulty;
import io.kdstream.producers.generate.SdgOptions;
import io.kdstream.schemas.avro.Prompt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code kdstream bench generate}: the evaluator's greedy generation with the key/value cache against recomputing every step. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Time greedy generation of held-out math and code prompts with the key/value cache and by recomputing the "
                + "whole sequence every step, interleaved, at the evaluator's batch and length limits: a randomly initialised "
                + "default student (which rarely stops early) and, with --checkpoint, a trained model; write the results to BENCHMARKS.md."})
public final class GenerateBenchCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", description = "a trained checkpoint to time as well (e.g. a teacher under KDSTREAM_HOME/teachers)")
    Path checkpoint;

    @Option(names = "--prompts", defaultValue = "128", description = "held-out prompts, half math, half code (default: ${DEFAULT-VALUE})")
    int prompts;

    @Option(names = "--batch", defaultValue = "64", description = "prompts generated together (default: ${DEFAULT-VALUE}, the evaluator's)")
    int batch;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "generation limit a prompt (default: ${DEFAULT-VALUE}, the evaluator's)")
    int maxNewTokens;

    @Option(names = "--rounds", defaultValue = "10", description = "measured rounds, each generating every prompt in both modes (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2", description = "unmeasured rounds first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--report", defaultValue = "BENCHMARKS.md", description = "file whose section this benchmark replaces (default: ${DEFAULT-VALUE})")
    Path report;

    @Spec
    CommandSpec spec;

    private record Row(String model, long parameters, GenerationBenchmark.Result result) {
    }

    @Override
    public Integer call() throws Exception {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        DistillData data = DistillData.generate(1, prompts / 2, 1, new SdgOptions(Difficulty.MEDIUM, 0));
        List<Prompt> heldOut = new ArrayList<>(data.testMath());
        heldOut.addAll(data.testCode());
        CharTokenizer tokenizer = new CharTokenizer();
        List<Row> rows = new ArrayList<>();
        try (DecoderLanguageModel student = DecoderLanguageModel.create(TransformerConfig.student(tokenizer.vocabularySize()), 1)) {
            rows.add(new Row("default student, randomly initialised", student.parameterCount(), measure(student, heldOut)));
        }
        if (checkpoint != null) {
            try (LoadedCheckpoint loaded = CheckpointFile.read(checkpoint, null, tokenizer.fingerprint())) {
                rows.add(new Row("`" + checkpoint.getFileName() + "`", loaded.model().parameterCount(), measure(loaded.model(), heldOut)));
            }
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String body = describe(rows, heldOut.size(), loadBefore, loadAfter);
        System.out.println(body);
        BenchmarksFile.writeSection(report, "Generation: key/value cache against recomputing every step (`kdstream bench generate`)", body);
        System.out.println("written to " + report.toAbsolutePath());
        return 0;
    }

    private GenerationBenchmark.Result measure(DecoderLanguageModel model, List<Prompt> heldOut) {
        return new GenerationBenchmark(model, heldOut, batch, maxNewTokens).run(warmup, rounds);
    }

    private String describe(List<Row> rows, int promptCount, double loadBefore, double loadAfter) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(BenchmarkContext.commandLine(spec)).append("`, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %s, DJL PyTorch CPU, intra-op threads = %s; load average %.2f "
                        + "before and %.2f after the run.%n%n", BenchmarkContext.machine(), BenchmarkContext.torchThreads(), loadBefore, loadAfter));
        out.append(String.format(Locale.ROOT, "Setup: %d held-out prompts of the medium generators (half math, half code), greedy, in "
                + "batches of %d, at most %d new tokens each (the evaluator's defaults); %d rounds after %d warm-up rounds, each generating "
                + "every prompt once with the cache and once recomputing, alternating which goes first. A round's ratio is its cached "
                + "time over its recomputing time; the table gives medians and quartiles over rounds. Agreement: the share of prompts "
                + "whose generation is the same token for token both ways (the kernels differ in shape, so float rounding may "
                + "break a near tie).%n%n", promptCount, batch, maxNewTokens, rounds, warmup));
        out.append("| model | parameters | tokens generated | cached ms | recomputing ms | cached / recomputing | p25-p75 | agreement |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            GenerationBenchmark.Result r = row.result();
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.0f | %.0f | %.3f | %.3f-%.3f | %.3f |%n", row.model(), row.parameters(),
                    r.generatedTokens(), r.cached().millis().median(), r.recomputedMillis().median(), r.cached().ratioToRecompute().median(),
                    r.cached().ratioToRecompute().lowerQuartile(), r.cached().ratioToRecompute().upperQuartile(), r.agreement()));
        }
        return out.toString();
    }
}
