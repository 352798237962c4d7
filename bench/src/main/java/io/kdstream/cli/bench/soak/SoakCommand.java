package io.kdstream.cli.bench.soak;

import io.kdstream.cli.bench.BenchmarkContext;
import io.kdstream.cli.bench.BenchmarksFile;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream bench soak --minutes N}: continuous distillation on the embedded platform, measured every minute. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Continuous distillation for N minutes on an embedded broker and registry: generated prompts at a steady "
                + "rate, the router, two teacher workers, the trainer and the evaluator in one JVM. Every minute: rates, consumer "
                + "lags, the trainer's freshness (produced -> logits committed -> first drawn into a batch, p50/p99), heap (live: after "
                + "a full collection the soak asks for) and RSS. For a clean RSS figure fix the heap: " + SoakCommand.FIXED_HEAP + ".",
                "Writes a section of RELIABILITY.md and a plot (docs/soak.svg)."})
public final class SoakCommand implements Callable<Integer> {

    /** The launcher's JVM options with a fixed, pre-touched heap: resident in full from the start. */
    static final String FIXED_HEAP = "KDSTREAM_JAVA_OPTS='-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseSerialGC -XX:TieredStopAtLevel=1'";

    static final String HEADING = "Soak: continuous distillation";

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "10", description = "how long prompts stream in (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--rate", defaultValue = "20", description = "prompts a second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--interval-seconds", defaultValue = "60", description = "seconds between figures (default: ${DEFAULT-VALUE})")
    int intervalSeconds;

    @Option(names = "--held-out", defaultValue = "50", description = "held-out problems the evaluator scores a checkpoint on (default: ${DEFAULT-VALUE})")
    int heldOut;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "training steps between checkpoints (default: ${DEFAULT-VALUE})")
    long checkpointEvery;

    @Option(names = "--out", defaultValue = "RELIABILITY.md", description = "file to write the results section to (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--plot", defaultValue = "docs/soak.svg", description = "the plot's file (default: ${DEFAULT-VALUE})")
    Path plot;

    @Override
    public Integer call() throws Exception {
        Duration duration = Duration.ofMillis(Math.round(minutes * 60_000));
        if (!(rate > 0) || intervalSeconds < 1 || duration.toSeconds() < intervalSeconds) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0 and --minutes at least one interval (--interval-seconds "
                    + intervalSeconds + ")");
        }
        SoakOptions options = new SoakOptions(duration, Duration.ofSeconds(intervalSeconds), rate, heldOut, checkpointEvery,
                Files.createTempDirectory("kdstream-bench-soak-"));
        HeapSetting heap = HeapSetting.ofThisJvm();
        if (!heap.fixed()) {
            System.err.println("The heap is not fixed and pre-touched: the resident set will grow with the heap's pages as they are first used. "
                    + "For a clean figure: " + FIXED_HEAP);
        }
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.err.println("Starting an embedded Kafka broker and schema registry...");
        SoakResult result;
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
            System.out.println(SoakConsole.HEADER);
            result = new SoakRun(settings, options, interval -> System.out.println(SoakConsole.line(interval))).run();
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        SoakReport report = new SoakReport(result, options, heap);
        String machine = String.format(Locale.ROOT, "%s, shared with other work: load average %.2f before and %.2f after",
                BenchmarkContext.machine(), loadBefore, loadAfter);
        if (plot.getParent() != null) {
            Files.createDirectories(plot.getParent());
        }
        Files.writeString(plot, report.svg());
        String body = report.markdown(BenchmarkContext.commandLine(spec), machine) + "\n![soak](" + relative(out, plot) + ")\n";
        BenchmarksFile.writeSection(out, HEADING, body);
        System.out.printf(Locale.ROOT, "%nfreshness p50 %.3f s beyond the teacher's batch time; after warm-up RSS %s MB a minute, live heap "
                        + "%s bytes a prompt; wrote %s and %s%n",
                report.freshnessBeyondTeacherSeconds(), report.rssTrend().format(2), report.liveHeapBytesPerPrompt().format(0), out, plot);
        return 0;
    }

    private static String relative(Path from, Path to) {
        Path base = from.toAbsolutePath().getParent();
        return base.relativize(to.toAbsolutePath()).toString();
    }
}
