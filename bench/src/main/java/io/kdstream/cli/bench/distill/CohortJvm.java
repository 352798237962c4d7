package io.kdstream.cli.bench.distill;

import io.kdstream.cli.Kdstream;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the JVM that prepares one cohort of a plan: this {@code kdstream} command line again, restricted to the
 * cohort by the hidden {@code --cohort}, on this JVM's class path, options and KDSTREAM_HOME. A JVM a cohort because
 * DJL's PyTorch engine lets one gradient collector record at a time in a JVM, so models train side by side only in
 * JVMs of their own.
 *
 * @param commandLine the arguments of the {@code kdstream} command that prepares the whole plan
 * @param home        KDSTREAM_HOME, where the cohort's teacher and base student are kept
 * @param threads     torch threads of the cohort's JVM
 */
record CohortJvm(List<String> commandLine, Path home, int threads) {

    CohortJvm {
        commandLine = List.copyOf(commandLine);
    }

    /** Starts the JVM of cohort {@code number} (from 1, in the plan's order); its output goes to {@code output}. */
    Process start(int number, Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // after this JVM's own: the last of a system property's values is the one that holds
        command.add("-Dai.djl.pytorch.num_threads=" + threads);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Kdstream.class.getName()));
        command.addAll(commandLine);
        command.addAll(List.of("--cohort", Integer.toString(number)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("KDSTREAM_HOME", home.toString());
        return builder.start();
    }
}
