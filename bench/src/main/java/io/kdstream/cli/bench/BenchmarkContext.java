package io.kdstream.cli.bench;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every BENCHMARKS.md section states about how it was made: the command line as typed, and the CPU. */
public final class BenchmarkContext {

    private BenchmarkContext() {
    }

    /** The {@code ./kdstream ...} line that reproduces the run, with the thread setting when one was given. */
    public static String commandLine(CommandSpec spec) {
        String line = "./kdstream " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs().stream()
                .map(arg -> arg.matches("[A-Za-z0-9_./=:,@+-]*") ? arg : "'" + arg.replace("'", "'\\''") + "'").toList());
        String threads = System.getenv("KDSTREAM_THREADS");
        return threads == null ? line : "KDSTREAM_THREADS=" + threads + " " + line;
    }

    public static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
