package io.kdstream.cli.bench;

import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.model.tokenizer.CharTokenizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kdstream bench step}: a KD training step against an SFT step of the same model and batch. */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = {"Time an SFT step and KD steps (K = 8 and 64, renormalised and tail) of the default student on "
                + "the same batch, interleaved, plus the default teacher's SFT step; write the results to BENCHMARKS.md.",
                "Target: a KD step at K = 64 costs at most 1.05 x an SFT step."})
public final class StepBenchCommand implements Callable<Integer> {

    private static final double TARGET = 1.05;

    @Option(names = "--batch", defaultValue = "16", description = "sequences a step (default: ${DEFAULT-VALUE}, the trainer's)")
    int batch;

    @Option(names = "--rounds", defaultValue = "200", description = "measured rounds, each running every mode once (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--warmup", defaultValue = "20", description = "unmeasured rounds first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "seed for the data and the models (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--report", defaultValue = "BENCHMARKS.md", description = "file whose section this benchmark replaces (default: ${DEFAULT-VALUE})")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        StepBenchmark.Result result = new StepBenchmark(batch, warmup, rounds, seed).run();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String body = describe(result, loadBefore, loadAfter);
        System.out.println(body);
        BenchmarksFile.writeSection(report, heading(), body);
        System.out.println("written to " + report.toAbsolutePath());
        return 0;
    }

    private String describe(StepBenchmark.Result result, double loadBefore, double loadAfter) {
        TransformerConfig student = TransformerConfig.student(new CharTokenizer().vocabularySize());
        TransformerConfig teacher = TransformerConfig.teacher(new CharTokenizer().vocabularySize());
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(BenchmarkContext.commandLine(spec)).append("`, ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %s (%s), DJL PyTorch CPU, intra-op threads = %s; load average %.2f before"
                        + " and %.2f after the run.%n%n", BenchmarkContext.machine(), System.getProperty("java.vm.name"),
                BenchmarkContext.torchThreads(), loadBefore, loadAfter));
        out.append(String.format(Locale.ROOT, "Setup: the default student (%d layers, width %d, %,d parameters) and "
                        + "teacher (%d layers, width %d, %,d parameters); one batch of %d generated math problems, "
                        + "%,d prediction positions; the teacher's top-%d stored, the first K used; KD steps "
                        + "minimise w_kd KD + w_sft CE with the trainer's defaults (w_kd 1, w_sft 0.4, forward KL, "
                        + "temperature 1), renormalised unless marked tail. %d rounds after %d warm-up rounds; each "
                        + "round runs every student mode once, in rotating order; then the teacher trained the same "
                        + "way, SFT and KD at K=64, in half as many rounds. A step is batching, forward, loss, "
                        + "backward, gradient clipping and the Adam update.%n%n",
                student.layers(), student.modelWidth(), result.studentParameters(), teacher.layers(),
                teacher.modelWidth(), result.teacherParameters(), result.examples(), result.positions(),
                StepBenchmark.STORED_K, rounds, warmup));
        out.append("Per round, each KD step is divided by (x SFT) and subtracted from (+ms) the SFT step of the same "
                + "round; the table gives the median and the quartiles of those per-round values.\n\n");
        out.append("| step | median ms | p25-p75 ms | x SFT | p25-p75 | +ms over SFT | p25-p75 | tokens/s |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        result.modes().forEach(mode -> row(out, "student", mode, result.positions()));
        result.teacherModes().forEach(mode -> row(out, "teacher", mode, result.positions()));
        out.append("\n");
        Distribution kd64 = result.modes().stream().filter(m -> m.name().equals("KD, K=64")).findFirst().orElseThrow()
                .ratioToSft();
        out.append(String.format(Locale.ROOT, "Target, KD step at K=64 <= %.2f x SFT step: %s (median %.3f, 95 %% "
                + "confidence interval of the median %.3f-%.3f).%n", TARGET, kd64.verdictAtMost(TARGET), kd64.median(),
                kd64.medianLow(), kd64.medianHigh()));
        return out.toString();
    }

    private static void row(StringBuilder out, String model, StepBenchmark.ModeResult mode, int positions) {
        out.append(String.format(Locale.ROOT, "| %s %s | %.2f | %.2f-%.2f | %.3f | %.3f-%.3f | %.2f | %.2f-%.2f | %,.0f |%n",
                model, mode.name(), mode.millis().median(), mode.millis().lowerQuartile(), mode.millis().upperQuartile(),
                mode.ratioToSft().median(), mode.ratioToSft().lowerQuartile(), mode.ratioToSft().upperQuartile(),
                mode.millisOverSft().median(), mode.millisOverSft().lowerQuartile(), mode.millisOverSft().upperQuartile(),
                positions / (mode.millis().median() / 1000)));
    }

    /** One section per thread count: the KD/SFT ratio depends on it, so runs at different counts both stay. */
    private static String heading() {
        return "Training step: KD against SFT (`kdstream bench step`, intra-op threads = " + BenchmarkContext.torchThreads() + ")";
    }

}
