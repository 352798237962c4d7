package io.kdstream.cli.bench;

import io.kdstream.cli.PluggedCommand;
import io.kdstream.cli.bench.distill.DistillBenchCommand;
import io.kdstream.cli.bench.soak.SoakCommand;
import picocli.CommandLine.Command;

/** {@code kdstream bench ...}: measurements reported as ratios measured side by side in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each writes its results and the command line to BENCHMARKS.md.",
        subcommands = {StepBenchCommand.class, GenerateBenchCommand.class, WorkersBenchCommand.class, TeacherBackendsBenchCommand.class, CodecBenchCommand.class, CacheBenchCommand.class, DistillBenchCommand.class, SoakCommand.class})
public final class BenchCommand implements PluggedCommand {
}
