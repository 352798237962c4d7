package io.kdstream.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kdstream bench teacher-backends}: one teacher in-process and served over HTTP, side by side. */
@Command(name = "teacher-backends", mixinStandardHelpOptions = true,
        description = "Sequences/s of one teacher in this JVM and served by serve-teacher (its own JVM) over HTTP at 1, 4 "
                + "and 16 requests in flight, in alternated rounds, with the client's CPU a sequence against the teacher's.")
public final class TeacherBackendsBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--sequences", defaultValue = "384", description = "sequences a phase (default: ${DEFAULT-VALUE})")
    int sequences;

    @Option(names = "--rounds", defaultValue = "5", description = "alternated rounds; medians are reported (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--out", defaultValue = "BENCHMARKS.md", description = "file to write the results section to")
    Path out;

    private static final List<Integer> IN_FLIGHT = List.of(1, 4, 16);

    @Override
    public Integer call() throws Exception {
        Path workDir = Files.createTempDirectory("kdstream-bench-teacher-backends-");
        List<List<TeacherBackendsBenchmark.Phase>> rounds = new TeacherBackendsBenchmark(workDir, sequences, IN_FLIGHT).run(this.rounds);
        int phases = rounds.get(0).size();
        double inProcessRate = median(rounds, 0, false, false);
        double teacherCpu = median(rounds, 0, true, false);
        StringBuilder table = new StringBuilder("| teacher | in flight | sequences/s | vs in-process | client CPU a sequence | vs the teacher's CPU a sequence |\n"
                + "|---|---|---|---|---|---|\n");
        table.append(String.format("| in-process | - | %.1f | 1.00 | %.2f ms (the teacher itself) | 1.00 |%n", inProcessRate, teacherCpu * 1e3));
        for (int p = 1; p < phases; p++) {
            TeacherBackendsBenchmark.Phase first = rounds.get(0).get(p);
            table.append(String.format("| served (vLLM API) | %d | %.1f | %.2f | %.2f ms | %.3f |%n", first.inFlight(),
                    median(rounds, p, false, false), median(rounds, p, false, true), median(rounds, p, true, false) * 1e3,
                    median(rounds, p, true, false) / teacherCpu));
        }
        String body = "Command: `" + BenchmarkContext.commandLine(spec) + "`  \n"
                + "Machine: " + BenchmarkContext.machine() + "; default teacher architecture (untrained: weights do not change the cost), K=16, "
                + sequences + " math sequences a phase in batches of the worker's 4096-token budget; serve-teacher in its own JVM "
                + "on the same machine with the same torch threads, batching the requests that wait together; medians of "
                + rounds.size() + " alternated rounds (ratios are medians of each round's ratio). Client CPU: this JVM's CPU time "
                + "while the served phase runs (HTTP, JSON, parsing), against this JVM's CPU a sequence in-process (the teacher's "
                + "forward and top-K).\n\n" + table;
        BenchmarksFile.writeSection(out, "Teacher backends: in-process against served over HTTP", body);
        System.out.print(table);
        return 0;
    }

    /** The median over rounds of phase {@code p}'s rate (or CPU a sequence), or of its rate over that round's in-process rate. */
    private static double median(List<List<TeacherBackendsBenchmark.Phase>> rounds, int p, boolean cpu, boolean ratio) {
        double[] values = rounds.stream().mapToDouble(round -> {
            TeacherBackendsBenchmark.Phase phase = round.get(p);
            double value = cpu ? phase.cpuSecondsPerSequence() : phase.sequencesPerSecond();
            return ratio ? value / round.get(0).sequencesPerSecond() : value;
        }).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
