package io.kdstream.cli;

/**
 * A {@code kdstream} subcommand from a module the CLI does not depend on, found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services} entry) when that module is on the classpath. {@code demo} and {@code platform}
 * (cli-embedded/, with the embedded broker and registry) and the benchmarks (bench/, with JMH) join this way: the
 * {@code kdstream} launcher script runs with them, the services' Docker images carry none of them.
 */
public interface PluggedCommand {
}
