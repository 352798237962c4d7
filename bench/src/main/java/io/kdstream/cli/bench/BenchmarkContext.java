package io.kdstream.cli.bench;

import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every BENCHMARKS.md section states about how it was made: the command line as typed, and the machine. */
public final class BenchmarkContext {

    private BenchmarkContext() {
    }

    /** The {@code ./kdstream ...} line that reproduces the run, with the thread and JVM settings when they were given. */
    public static String commandLine(CommandSpec spec) {
        String line = "./kdstream " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs().stream()
                .map(BenchmarkContext::shellWord).toList());
        String javaOptions = System.getenv("KDSTREAM_JAVA_OPTS");
        if (javaOptions != null) {
            line = "KDSTREAM_JAVA_OPTS=" + shellWord(javaOptions) + " " + line;
        }
        String threads = System.getenv("KDSTREAM_THREADS");
        return threads == null ? line : "KDSTREAM_THREADS=" + threads + " " + line;
    }

    /** {@code text} as one word to a shell: quoted where it holds anything beyond plain characters. */
    private static String shellWord(String text) {
        return text.matches("[A-Za-z0-9_./=:,@+-]*") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    /** Torch's intra-op threads in this JVM, as the {@code kdstream} launcher set them. */
    public static String torchThreads() {
        return System.getProperty("ai.djl.pytorch.num_threads", "default");
    }

    /** The machine line's subject: "2 cores (CPU model), Java 17.0.13". */
    public static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), Java " + System.getProperty("java.version");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
