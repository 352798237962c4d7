package io.kdstream.cli.bench;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.embedded.EmbeddedPlatform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream bench workers}: teacher throughput with 1 and then 2 workers on one 4-partition topic. */
@Command(name = "workers", mixinStandardHelpOptions = true,
        description = "Teacher-worker scale-out on the embedded broker: 1 then 2 worker processes (one torch thread each) "
                + "on the same 4-partition topic, in one run.")
public final class WorkersBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--requests", defaultValue = "2000", description = "timed requests per phase (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--out", defaultValue = "BENCHMARKS.md", description = "file to write the results section to")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path workDir = Files.createTempDirectory("kdstream-bench-workers-");
        List<WorkerScalingBenchmark.Phase> phases;
        try (EmbeddedPlatform platform = EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())) {
            Settings settings = Settings.of(Map.of(Settings.BOOTSTRAP_SERVERS, platform.bootstrapServers(),
                    Settings.SCHEMA_REGISTRY_URL, platform.schemaRegistryUrl()));
            phases = new WorkerScalingBenchmark(settings, workDir, requests).run(1, 2);
        }
        StringBuilder table = new StringBuilder("| workers | sequences | seconds | sequences/s | vs 1 worker |\n|---|---|---|---|---|\n");
        double base = phases.get(0).sequencesPerSecond();
        for (WorkerScalingBenchmark.Phase phase : phases) {
            table.append(String.format("| %d | %d | %.2f | %.1f | %.2fx |%n", phase.workers(), phase.requests(), phase.seconds(),
                    phase.sequencesPerSecond(), phase.sequencesPerSecond() / base));
        }
        String body = "Command: `" + BenchmarkContext.commandLine(spec) + "`  \n"
                + "Machine: " + BenchmarkContext.machine() + "; embedded single-node broker in the benchmark's JVM; each worker its own JVM with one torch thread; "
                + "default teacher architecture (untrained: weights do not change the cost); exactly-once transactions on.\n\n"
                + table;
        BenchmarksFile.writeSection(out, "Teacher workers: scale-out", body);
        System.out.print(table);
        return 0;
    }
}
